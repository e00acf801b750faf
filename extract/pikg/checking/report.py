"""Validation reports a finance officer can read: findings grouped by document and project."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pikg.checking.validate import RANK, Finding, Report
from pikg.model import Extraction
from pikg.reading.decode import printable

MARKS = {"Violation": "✗", "Warning": "!", "Info": "·"}


def grouped(
    report: Report, min_severity: str
) -> dict[str, dict[str | None, list[tuple[str | None, Finding]]]]:
    groups: dict[str, dict[str | None, list[tuple[str | None, Finding]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for finding in report.findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            place = report.place(finding.focus)
            groups[place.document][place.project].append((place.name, finding))
    return groups


def text(report: Report, min_severity: str = "Info", lang: str = "zh") -> str:
    return blocks(report, min_severity, lang) + totals(report.findings)


def blocks(report: Report, min_severity: str = "Info", lang: str = "zh") -> str:
    """The findings grouped by document and project, without the closing count."""
    lines = []
    for doc, projects in sorted(grouped(report, min_severity).items()):
        lines.append(doc)
        for project, items in sorted(projects.items(), key=lambda kv: kv[0] or ""):
            lines.append(
                f"  {'项目 ' + project if project else '（文件）' if lang == 'zh' else '(document)'}"
            )
            for _, f in items:
                lines.append(
                    f"    {MARKS[f.severity]} {f.severity:<9} {f.code:<26} {f.message(lang)}"
                )
    # Names and values come from documents: an escape sequence in one must not reach a terminal.
    return printable("".join(f"{line}\n" for line in lines))


def totals(findings: Iterable[Finding]) -> str:
    """The closing line: how many findings of each severity, and whether that conforms."""
    counts = dict.fromkeys(RANK, 0)
    for f in findings:
        counts[f.severity] += 1
    return (
        f"{counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} notes; "
        + ("does not conform" if counts["Violation"] or counts["Warning"] else "conforms")
        + "\n"
    )


def json_items(
    report: Report, min_severity: str = "Info", lang: str = "zh"
) -> list[dict[str, Any]]:
    """The findings as the objects of the JSON report."""
    items: list[dict[str, Any]] = []
    for finding in report.findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            place = report.place(finding.focus)
            items.append(
                {
                    "document": place.document,
                    "project": place.project,
                    "indicator": place.name,
                    "focus": finding.focus,
                    **finding.as_dict(lang),
                }
            )
    return items


def as_json(report: Report, min_severity: str = "Info", lang: str = "zh") -> str:
    return json_document(report.conforms, json_items(report, min_severity, lang))


def json_document(conforms: bool, items: list[dict[str, Any]]) -> str:
    return (
        json.dumps({"conforms": conforms, "findings": items}, ensure_ascii=False, indent=1) + "\n"
    )


def turtle(report: Report) -> str:
    out: str = report.graph.serialize(format="longturtle")
    return out


@dataclass
class Tally:
    """What a run read, counted as it streams by, and the findings it made."""

    documents: int = 0
    projects: int = 0
    rows: int = 0
    unparsed: int = 0
    failures: int = 0
    findings: list[Finding] = field(default_factory=list)

    def add(self, document: Extraction, findings: Iterable[Finding] = ()) -> None:
        self.documents += 1
        self.projects += len(document.projects)
        self.rows += len(document.rows)
        self.unparsed += len(document.unparsed)
        self.findings += findings

    @property
    def conforms(self) -> bool:
        return Report(self.findings).conforms

    def line(self) -> str:
        return (
            f"read {self.documents} documents: {self.projects} projects, {self.rows} indicator "
            f"rows, {self.unparsed} unparsed lines"
        )


def tally(documents: list[Extraction]) -> str:
    """What the run read, so an empty or partial run is never mistaken for a clean one."""
    seen = Tally()
    for document in documents:
        seen.add(document)
    return seen.line()
