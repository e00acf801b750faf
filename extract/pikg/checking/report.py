"""Validation reports a finance officer can read: findings grouped by document and project."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from pikg.checking.validate import RANK, Finding, Report
from pikg.model import Extraction
from pikg.namespace import PIK

MARKS = {"Violation": "✗", "Warning": "!", "Info": "·"}


def _where(data: Graph, focus: URIRef) -> tuple[str, str | None, str | None]:
    """(document, project, row name) a finding's focus node belongs to."""
    doc = data.value(focus, PIK.inDisclosure)
    if doc is None and (focus, RDF.type, PIK.Disclosure) in data:
        doc = focus
    if doc is None:
        doc = next(
            (d for d in data.subjects(RDF.type, PIK.Disclosure) if str(focus).startswith(f"{d}/")),
            None,
        )
    project = focus if (focus, RDF.type, PIK.Project) in data else data.value(focus, PIK.project)
    name = data.value(focus, PIK.indicatorName)
    doc_label = "?"
    if doc is not None:
        file_name, label = data.value(doc, PIK.fileName), data.value(doc, RDFS.label)
        doc_label = " — ".join(str(x) for x in (file_name, label) if x is not None) or str(doc)
    return (
        doc_label,
        str(data.value(project, RDFS.label)) if project is not None else None,
        str(name) if name is not None else None,
    )


def grouped(
    report: Report, min_severity: str
) -> dict[str, dict[str | None, list[tuple[str | None, Finding]]]]:
    groups: dict[str, dict[str | None, list[tuple[str | None, Finding]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for finding in report.findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            doc, project, name = _where(report.data, URIRef(finding.focus))
            groups[doc][project].append((name, finding))
    return groups


def text(report: Report, min_severity: str = "Info", lang: str = "zh") -> str:
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
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in RANK}
    lines.append(
        f"{counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} notes; "
        + ("conforms" if report.conforms else "does not conform")
    )
    return "\n".join(lines) + "\n"


def as_json(report: Report, min_severity: str = "Info", lang: str = "zh") -> str:
    items: list[dict[str, Any]] = []
    for finding in report.findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            doc, project, name = _where(report.data, URIRef(finding.focus))
            items.append(
                {
                    "document": doc,
                    "project": project,
                    "indicator": name,
                    "focus": finding.focus,
                    **finding.as_dict(lang),
                }
            )
    return (
        json.dumps({"conforms": report.conforms, "findings": items}, ensure_ascii=False, indent=1)
        + "\n"
    )


def turtle(report: Report) -> str:
    out: str = report.graph.serialize(format="longturtle")
    return out


def tally(documents: list[Extraction]) -> str:
    """What the run read, so an empty or partial run is never mistaken for a clean one."""
    projects = sum(len(d.projects) for d in documents)
    rows = sum(len(d.rows) for d in documents)
    unparsed = sum(len(d.unparsed) for d in documents)
    return (
        f"read {len(documents)} documents: {projects} projects, {rows} indicator rows, "
        f"{unparsed} unparsed lines"
    )
