"""HTML for people: a page per document, project and indicator.

Pages are built from the graph alone, so every published resource can be read in a browser.
IRIs under pikg's instance space link to the local server (``link``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from pikg.graph.docs import html_page as _page
from pikg.graph.docs import literal_text as _text
from pikg.namespace import PIK

Link = Callable[[str], str]


def _label(graph: Graph, node: Node) -> str:
    for prop in (PIK.indicatorName, RDFS.label, SKOS.prefLabel):
        text = _text(graph, node, prop)
        if text:
            return text
    return str(node)


def _a(graph: Graph, node: Node, link: Link) -> str:
    if isinstance(node, URIRef):
        return f'<a href="{escape(link(str(node)))}">{escape(_label(graph, node))}</a>'
    return escape(str(node))


def target_text(graph: Graph, node: Node) -> str:
    parts = [
        _text(graph, node, p) for p in (PIK.comparatorWritten, PIK.valueWritten, PIK.unitWritten)
    ]
    return "".join(p for p in parts if p)


def _findings(graph: Graph, focus: Iterable[Node]) -> str:
    items = []
    for node in focus:
        for result in sorted(graph.subjects(SH.focusNode, node), key=str):
            severity = str(graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
            code = str(graph.value(result, SH.sourceShape)).rsplit("#", 1)[-1]
            message = _text(graph, result, SH.resultMessage) or ""
            items.append(
                f'<li class="{escape(severity)}"><b>{escape(severity)}</b> <code>{escape(code)}</code> {escape(message)}</li>'
            )
    if not items:
        return "<p>没有校验发现 · No findings.</p>"
    return "<h2>校验发现 · Findings</h2><ul>" + "".join(items) + "</ul>"


def _rows_table(graph: Graph, rows: list[Node], link: Link) -> str:
    out = ["<table><tr><th>一级</th><th>二级</th><th>三级指标</th><th>目标</th></tr>"]
    for row in sorted(rows, key=lambda r: int(str(graph.value(r, PIK.startOffset) or 0))):
        levels = [
            _label(graph, level) if (level := graph.value(row, p)) is not None else ""
            for p in (PIK.level1, PIK.level2)
        ]
        out.append(
            f"<tr><td>{escape(levels[0])}</td><td>{escape(levels[1])}</td>"
            f"<td>{_a(graph, row, link)}</td><td>{escape(target_text(graph, row))}</td></tr>"
        )
    return "".join(out) + "</table>"


def resource_page(graph: Graph, node: URIRef, link: Link) -> str:
    """The page of a document, project or indicator target (or any other resource)."""
    kind = graph.value(node, RDF.type)
    title = _label(graph, node)
    body = [f"<h1>{escape(title)}</h1>"]
    if kind == PIK.IndicatorTarget:
        body.append(
            f'<p class="target">目标 · Target: <b>{escape(target_text(graph, node))}</b></p><table>'
        )
        for label, prop in (
            ("一级指标", PIK.level1),
            ("二级指标", PIK.level2),
            ("项目", PIK.project),
            ("文件", PIK.inDisclosure),
        ):
            value = graph.value(node, prop)
            if value is not None:
                body.append(f"<tr><th>{label}</th><td>{_a(graph, value, link)}</td></tr>")
        achieved = graph.value(node, PIK.achievedValue)
        if achieved is not None:
            met = graph.value(achieved, PIK.met)
            body.append(
                f"<tr><th>实际完成值</th><td>{escape(target_text(graph, achieved))} {'' if met is None else ('（达成）' if met == Literal(True) else '（未达成）')}</td></tr>"
            )
        raw = _text(graph, node, PIK.rawText)
        body.append(f"<tr><th>原文</th><td><code>{escape(raw or '')}</code></td></tr></table>")
        body.append(_findings(graph, [node]))
    elif kind == PIK.Project:
        rows = list(graph.subjects(PIK.project, node))
        doc = graph.value(node, PIK.inDisclosure)
        amount = _text(graph, node, PIK.amountYuan)
        body.append(
            f"<p>文件 · Document: {_a(graph, doc, link) if doc else '—'}"
            + (f"；资金 {escape(amount)} 元" if amount else "")
            + "</p>"
        )
        goal = _text(graph, node, PIK.goal)
        if goal:
            body.append(f"<p>{escape(goal)}</p>")
        body.append(_findings(graph, [node]))
        body.append(
            "<h2>指标 · Indicators</h2>"
            + _rows_table(
                graph, [r for r in rows if (r, RDF.type, PIK.IndicatorTarget) in graph], link
            )
        )
    elif kind == PIK.Disclosure:
        projects = sorted(graph.subjects(PIK.inDisclosure, node), key=str)
        year = graph.value(node, PIK.budgetYear)
        body.append(
            f"<p>年度 · Year: {escape(str(year or '—'))}；文件名 {escape(_text(graph, node, PIK.fileName) or '')}</p>"
        )
        body.append("<h2>项目 · Projects</h2><ul>")
        for project in projects:
            if (project, RDF.type, PIK.Project) in graph:
                count = len(list(graph.subjects(PIK.project, project)))
                body.append(f"<li>{_a(graph, project, link)}（{count}）</li>")
        body.append("</ul>")
        focus = [node, *graph.subjects(PIK.inDisclosure, node)]
        body.append(_findings(graph, focus))
    else:
        body.append("<table>")
        for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            body.append(f"<tr><th>{escape(str(p))}</th><td>{_a(graph, o, link)}</td></tr>")
        body.append("</table>")
    body.append(
        f'<p><small>{escape(str(node))} · <a href="{escape(link(str(node)))}?format=ttl">Turtle</a> · '
        f'<a href="{escape(link(str(node)))}?format=jsonld">JSON-LD</a></small></p>'
    )
    return _page(title, "\n".join(body))


def index_page(graph: Graph, link: Link) -> str:
    docs = sorted(graph.subjects(RDF.type, PIK.Disclosure), key=lambda d: _label(graph, d))
    items = "".join(f"<li>{_a(graph, d, link)}</li>" for d in docs)
    return _page(
        "pikg",
        f'<h1>pikg</h1><p><a href="/sparql">SPARQL</a></p><h2>文件 · Documents</h2><ul>{items}</ul>',
    )
