"""The main job: extract, map and validate, then put each finding where it belongs —
on its indicator row, its project, or its document.

Each document's graph is validated on its own (with the vocabulary): the rules never join
two documents, and the cost of a batch then grows with its size, not with its square.
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


@dataclass
class Checked:
    documents: list[DocumentCheck]

    @property
    def results(self) -> list[Extraction]:
        return [d.result for d in self.documents]

    @property
    def report(self) -> Report:
        return merged(d.report for d in self.documents)

    def by_focus(self, min_severity: str = "Info") -> dict[str, list[Finding]]:
        return by_focus(self.report, min_severity)


def merged(reports: Iterable[Report]) -> Report:
    findings: list[Finding] = []
    places = {}
    for report in reports:
        findings += report.findings
        places.update(report.places)
    return Report(findings, places)


def by_focus(report: Report, min_severity: str = "Info") -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            found[finding.focus].append(finding)
    return found


def check_document(
    result: Extraction, satisfaction_floor: Decimal | None = None, engine: str = DEFAULT_ENGINE
) -> DocumentCheck:
    report = validate(triples(map_extractions([result])), satisfaction_floor, engine)
    return DocumentCheck(result, report)


def check(
    results: Iterable[Extraction],
    satisfaction_floor: Decimal | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Checked:
    return Checked([check_document(r, satisfaction_floor, engine) for r in results])


def records(
    checked: Checked, min_severity: str = "Warning", lang: str = "zh"
) -> Iterator[dict[str, Any]]:
    """Row objects with their findings, then project and document objects that have any."""
    for document in checked.documents:
        yield from document_records(document, min_severity, lang)


def document_records(
    checked: DocumentCheck, min_severity: str = "Warning", lang: str = "zh"
) -> Iterator[dict[str, Any]]:
    """One document's row objects with their findings, then its project and document
    objects that have any."""
    found = by_focus(checked.report, min_severity)
    claimed: set[str] = set()

    def take(focus: str) -> list[dict[str, str]]:
        claimed.add(focus)
        return [f.as_dict(lang) for f in found.get(focus, [])]

    result = checked.result
    doc = iris.disclosure(result, result.digest)
    for row in result.rows:
        yield {"scope": "row", **row.to_dict(), "findings": take(iris.target(doc, row))}
    for project in result.projects:
        findings = take(iris.project(doc, project.name))
        if findings:
            yield {
                "scope": "project",
                "doc": result.doc,
                "project": project.name,
                "findings": findings,
            }
    rest = [
        f.as_dict(lang)
        for focus in sorted(found)
        if focus not in claimed and (focus == doc or focus.startswith(f"{doc}/"))
        for f in found[focus]
    ]
    if rest:
        yield {"scope": "document", "doc": result.doc, "findings": rest}
