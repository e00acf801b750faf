"""The main job's checking step, and the one place where findings are joined to what they are
about: an indicator row, a project, or a document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pikg.checking.validate import RANK, Finding, Report, validate
from pikg.graph import iris
from pikg.graph.mapping import map_extractions, triples
from pikg.model import Extraction


def check(results: list[Extraction], satisfaction_floor: Decimal | None = None) -> Report:
    return validate(triples(map_extractions(results)), satisfaction_floor)


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
