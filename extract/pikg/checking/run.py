"""The main job's checking step, and the one place where findings are joined to what they are
about: an indicator row, a project, or a document.

Each document's graph is validated on its own (with the vocabulary): the rules never join two
documents, so the cost of a batch grows with its size, not with its square, and a batch can
be checked as a stream, one document at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pikg import __version__
from pikg.checking.validate import DEFAULT_ENGINE, RANK, Finding, Report, validate_each
from pikg.graph import iris
from pikg.graph.mapping import extraction_quads, oxigraph_quads
from pikg.model import Extraction


@dataclass
class DocumentCheck:
    """One document and the findings of its graph."""

    result: Extraction
    report: Report


def check_document(
    result: Extraction, satisfaction_floor: Decimal | None = None, engine: str = DEFAULT_ENGINE
) -> DocumentCheck:
    [checked] = check_documents([result], satisfaction_floor, engine)
    return checked


def check_documents(
    results: Sequence[Extraction],
    satisfaction_floor: Decimal | None = None,
    engine: str = DEFAULT_ENGINE,
) -> list[DocumentCheck]:
    """``check_document`` of each, validated together where that gives the same findings
    (``validate_each``)."""
    quads = [oxigraph_quads(extraction_quads(r, __version__)) for r in results]
    reports = validate_each(quads, satisfaction_floor, engine)
    return [DocumentCheck(r, report) for r, report in zip(results, reports, strict=True)]


def check(
    results: Iterable[Extraction],
    satisfaction_floor: Decimal | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Every document validated on its own; their findings in one report."""
    return merged(check_document(r, satisfaction_floor, engine).report for r in results)


def merged(reports: Iterable[Report]) -> Report:
    findings: list[Finding] = []
    places = {}
    for report in reports:
        findings += report.findings
        places.update(report.places)
    return Report(findings, places)


@dataclass(frozen=True)
class Spot:
    """Where in its document a finding's focus is: character offsets and, for what is not a
    row (an unparsed line, a section without rows), the text there."""

    start: int
    end: int
    text: str | None = None


def spots(result: Extraction) -> dict[str, Spot]:
    """The focus nodes of a document that have a place in its text: rows, unparsed lines and
    sections without rows."""
    doc = iris.disclosure(result, result.digest)
    found = {iris.target(doc, row): Spot(row.start, row.end) for row in result.rows}
    for item in result.unparsed:
        found[iris.unparsed(doc, item)] = Spot(item.start, item.end, item.text)
    for section in result.empty_sections:
        found[iris.empty_section(doc, section)] = Spot(
            section.start, section.end, section.first_line
        )
    return found


def finding_record(
    finding: Finding, result: Extraction, spot: Spot | None, lang: str = "zh"
) -> dict[str, Any]:
    """A finding as printed: code, severity, message, its document, and where in it (offsets
    and 1-based line; null for a finding on a project or the whole document)."""
    return {
        **finding.as_dict(lang),
        "doc": result.doc,
        "start": spot.start if spot else None,
        "end": spot.end if spot else None,
        "line": result.line(spot.start) if spot else None,
        "text": spot.text if spot else None,
    }


def document_records(
    checked: DocumentCheck, min_severity: str = "Warning", lang: str = "zh"
) -> Iterator[dict[str, Any]]:
    """``records`` of one checked document."""
    return records([checked.result], checked.report.findings, min_severity, lang)


def records(
    results: Iterable[Extraction],
    findings: Iterable[Finding],
    min_severity: str = "Warning",
    lang: str = "zh",
) -> Iterator[dict[str, Any]]:
    """Row objects with their findings, then project and document objects: a line pikg could
    not read is a document finding (unparsed-line) with its offsets, line and text."""
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            found[finding.focus].append(finding)
    for result in results:
        yield from _document_records(result, found, lang)


def _document_records(
    result: Extraction, found: dict[str, list[Finding]], lang: str
) -> Iterator[dict[str, Any]]:
    doc = iris.disclosure(result, result.digest)
    where = spots(result)
    claimed: set[str] = set()

    def take(focus: str) -> list[dict[str, Any]]:
        claimed.add(focus)
        return [finding_record(f, result, where.get(focus), lang) for f in found.get(focus, [])]

    for row in result.rows:
        yield {"scope": "row", **row.to_dict(), "findings": take(iris.target(doc, row))}
    for project in result.projects:
        if project_findings := take(iris.project(doc, project.name)):
            yield {
                "scope": "project",
                "doc": result.doc,
                "project": project.name,
                "findings": project_findings,
            }
    rest = sorted(
        (f for f in found if f not in claimed and (f == doc or f.startswith(f"{doc}/"))),
        key=lambda focus: (where[focus].start if focus in where else -1, focus),
    )
    if rest:
        yield {
            "scope": "document",
            "doc": result.doc,
            "findings": [record for focus in rest for record in take(focus)],
        }


def unparsed_records(results: Iterable[Extraction]) -> Iterator[dict[str, Any]]:
    """Each line pikg could not read as its own object, as ``extract`` prints them."""
    for result in results:
        for item in result.unparsed:
            yield {
                "scope": "unparsed",
                "doc": result.doc,
                "start": item.start,
                "end": item.end,
                "text": item.text,
            }
