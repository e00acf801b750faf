"""The main job's checking step, and the one place where findings are joined to what they are
about: an indicator row, a project, or a document.

Each document's graph is validated on its own (with the vocabulary): the rules never join two
documents, so the cost of a batch grows with its size, not with its square, and a batch can
be checked as a stream, one document at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pikg.checking.validate import DEFAULT_ENGINE, RANK, Finding, Report, validate
from pikg.graph import iris
from pikg.graph.mapping import map_extractions, triples
from pikg.model import Extraction


@dataclass
class DocumentCheck:
    """One document and the findings of its graph."""

    result: Extraction
    report: Report


def check_document(
    result: Extraction, satisfaction_floor: Decimal | None = None, engine: str = DEFAULT_ENGINE
) -> DocumentCheck:
    report = validate(triples(map_extractions([result])), satisfaction_floor, engine)
    return DocumentCheck(result, report)


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
    """Row objects with their findings, then project, document and unparsed-line objects."""
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            found[finding.focus].append(finding)
    claimed: set[str] = set()

    def take(focus: str) -> list[dict[str, str]]:
        claimed.add(focus)
        return [f.as_dict(lang) for f in found.get(focus, [])]

    for result in results:
        doc = iris.disclosure(result, result.digest)
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
        rest = [
            f.as_dict(lang)
            for focus in sorted(found)
            if focus not in claimed and (focus == doc or focus.startswith(f"{doc}/"))
            for f in found[focus]
        ]
        if rest:
            yield {"scope": "document", "doc": result.doc, "findings": rest}
        for item in result.unparsed:
            yield {
                "scope": "unparsed",
                "doc": result.doc,
                "start": item.start,
                "end": item.end,
                "text": item.text,
            }
