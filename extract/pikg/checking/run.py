"""The main job: extract, map and validate, then put each finding where it belongs —
on its indicator row, its project, or its document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pikg.checking.validate import RANK, Finding, Report, validate
from pikg.graph import iris
from pikg.graph.mapping import map_extractions, triples
from pikg.model import Extraction


@dataclass
class Checked:
    results: list[Extraction]
    report: Report

    def by_focus(self, min_severity: str = "Info") -> dict[str, list[Finding]]:
        found: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.report.findings:
            if RANK[finding.severity] >= RANK[min_severity]:
                found[finding.focus].append(finding)
        return found


def check(results: list[Extraction], satisfaction_floor: Decimal | None = None) -> Checked:
    return Checked(results, validate(triples(map_extractions(results)), satisfaction_floor))


def records(
    checked: Checked, min_severity: str = "Warning", lang: str = "zh"
) -> Iterator[dict[str, Any]]:
    """Row objects with their findings, then project and document objects that have any."""
    found = checked.by_focus(min_severity)
    claimed: set[str] = set()

    def take(focus: str) -> list[dict[str, str]]:
        claimed.add(focus)
        return [f.as_dict(lang) for f in found.get(focus, [])]

    for result in checked.results:
        doc = iris.disclosure(result, result.digest)
        for row in result.rows:
            yield {"scope": "row", **row.to_dict(), "findings": take(iris.target(doc, row))}
        yield from result.unparsed_records()
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
