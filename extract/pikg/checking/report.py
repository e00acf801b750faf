"""Validation reports a finance officer can read: findings grouped by document and project."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from pikg.checking.run import DocumentCheck, Spot, spots
from pikg.checking.validate import RANK, Finding, Report
from pikg.model import Extraction
from pikg.reading.decode import printable

MARKS = {"Violation": "✗", "Warning": "!", "Info": "·"}
_PLURAL = {"Warning": "warnings", "Info": "notes"}  # what a --severity above Info hides


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


def document_text(checked: DocumentCheck, min_severity: str = "Info", lang: str = "zh") -> str:
    """One checked document's findings grouped by project, in the order of the text, each
    with its line and character offsets where it has a place (a row, an unparsed line)."""
    report, where = checked.report, spots(checked.result)
    shown = [f for f in report.findings if RANK[f.severity] >= RANK[min_severity]]
    if not shown:
        return ""
    projects: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in shown:
        projects[report.place(finding.focus).project].append(finding)

    def order(f: Finding) -> tuple[int, int, str]:
        spot = where.get(f.focus)
        return (spot.start if spot else -1, -RANK[f.severity], f.code)

    title, doc = report.place(shown[0].focus).document, checked.result.doc
    name = PurePath(doc).name  # the label opens with the file's name: give its path instead
    lines = [doc + title.removeprefix(name) if title.startswith(name) else title]
    for project, found in sorted(projects.items(), key=lambda kv: min(map(order, kv[1]))):
        lines.append(
            f"  项目 {project}" if project else "  （文件）" if lang == "zh" else "  (document)"
        )
        for f in sorted(found, key=order):
            place = _where(checked, where.get(f.focus), lang)
            lines.append(
                f"    {MARKS[f.severity]} {f.severity:<9} {f.code:<26} {place}{f.message(lang)}"
            )
    return printable("".join(f"{line}\n" for line in lines))


def _where(checked: DocumentCheck, spot: Spot | None, lang: str) -> str:
    if spot is None:
        return ""
    line = checked.result.line(spot.start)
    chars = f"{spot.start}-{spot.end}"
    if lang == "zh":
        return f"第{line}行（字符 {chars}） " if line else f"（字符 {chars}） "
    return f"line {line} (chars {chars}) " if line else f"(chars {chars}) "


def totals(findings: Iterable[Finding]) -> str:
    """The closing line: how many findings of each severity, and whether that conforms."""
    return verdict(Counter(f.severity for f in findings))


def verdict(counts: Counter[str]) -> str:
    """``2 violations, 1 warning, 0 notes; does not conform``: Info notes alone conform."""
    worse = counts["Violation"] or counts["Warning"]
    return (
        f"{_count(counts['Violation'], 'violation')}, {_count(counts['Warning'], 'warning')}, "
        f"{_count(counts['Info'], 'note')}; {'does not conform' if worse else 'conforms'}\n"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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
                    **finding.as_dict(lang),
                    # check's keys: the RDF holds offsets but not the text to count lines in
                    "doc": place.file,
                    "start": place.start,
                    "end": place.end,
                    "line": None,
                    "text": place.text,
                    "project": place.project,
                    "name": place.name,
                    "focus": finding.focus,
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
    """What a run read and the findings it made by severity, counted as it streams by (so
    memory does not grow with the batch)."""

    documents: int = 0
    projects: int = 0
    rows: int = 0
    unparsed: int = 0
    failures: int = 0
    severities: Counter[str] = field(default_factory=Counter)

    def add(self, document: Extraction, findings: Iterable[Finding] = ()) -> None:
        self.documents += 1
        self.projects += len(document.projects)
        self.rows += len(document.rows)
        self.unparsed += len(document.unparsed)
        self.severities.update(f.severity for f in findings)

    @property
    def conforms(self) -> bool:
        """Nothing worse than Info."""
        return not (self.severities["Violation"] or self.severities["Warning"])

    def line(self) -> str:
        """``read 6 documents: 10 projects, 62 indicator rows, 0 unparsed lines``, and how
        many files could not be read, so an empty or partial run is never taken for a clean one."""
        failed = f"; {self.failures} could not be read" if self.failures else ""
        return (
            f"read {_count(self.documents, 'document')}: {_count(self.projects, 'project')}, "
            f"{_count(self.rows, 'indicator row')}, {_count(self.unparsed, 'unparsed line')}"
            f"{failed}"
        )

    def closing(self, min_severity: str = "Info") -> str:
        """The end of the text report: what was read, then the findings by severity (and how
        to see those below ``min_severity``)."""
        hidden = [
            _PLURAL[s]
            for s in ("Warning", "Info")
            if RANK[s] < RANK[min_severity] and self.severities[s]
        ]
        shown = f"({' and '.join(hidden)} are shown with --severity info)\n" if hidden else ""
        return f"{self.line()}\n{shown}{verdict(self.severities)}"
