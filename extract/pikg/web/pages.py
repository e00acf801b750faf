"""HTML for people: the index, a page per department, document, project and indicator, the
search and the SPARQL form.

Pages are built from the graph alone, so every published resource can be read in a browser.
Everything from the data is HTML-escaped, and only http(s) IRIs become links: a
``javascript:`` or ``data:`` IRI in loaded RDF is shown as text. IRIs under pikg's instance
space link to the local server (``link``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from pikg.graph.docs import html_page
from pikg.graph.docs import literal_text as _text
from pikg.namespace import PIK
from pikg.web import fonts
from pikg.web.query_workers import Answer

Link = Callable[[str], str]

SEVERITIES = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}  # most severe first
LINKABLE = ("http://", "https://")  # schemes a link may have; others are shown as text
EXAMPLE_QUERY = """PREFIX pik: <https://w3id.org/pikg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?document ?title ?year WHERE {
  ?document a pik:Disclosure ; rdfs:label ?title .
  OPTIONAL { ?document pik:budgetYear ?year }
} ORDER BY ?year LIMIT 100"""
NAV = (
    '<nav><a href="/">首页 · Home</a><a href="/search">搜索 · Search</a>'
    '<a href="/sparql">SPARQL</a><a href="/ontology">本体 · Ontology</a></nav>'
)


def _page(title: str, body: str) -> str:
    return html_page(title, NAV + body, fonts.FONT_URL)


def _label(graph: Graph, node: Node) -> str:
    for prop in (PIK.indicatorName, RDFS.label, SKOS.prefLabel):
        text = _text(graph, node, prop)
        if text:
            return text
    raw = _text(graph, node, PIK.rawText)  # an unparsed line is known by its text
    return f"“{raw}”" if raw else str(node)


def href(iri: str, link: Link) -> str | None:
    """Where a link to ``iri`` goes, or None when it must not be a link."""
    target = link(iri)
    return target if target.startswith("/") or target.startswith(LINKABLE) else None


def _a(graph: Graph, node: Node, link: Link, text: str | None = None) -> str:
    shown = escape(text if text is not None else _label(graph, node))
    target = href(str(node), link) if isinstance(node, URIRef) else None
    return f'<a href="{escape(target)}">{shown}</a>' if target else shown


def target_text(graph: Graph, node: Node) -> str:
    parts = [
        _text(graph, node, p) for p in (PIK.comparatorWritten, PIK.valueWritten, PIK.unitWritten)
    ]
    return "".join(p for p in parts if p)


def _offset(graph: Graph, node: Node) -> int:
    value = graph.value(node, PIK.startOffset)
    return int(value) if isinstance(value, Literal) and str(value).isdigit() else -1


def _anchor(graph: Graph, node: Node) -> str:
    return f"row-{_offset(graph, node)}"


def findings_of(graph: Graph, focus: Iterable[Node]) -> list[tuple[Node, Node]]:
    """(result, focus node) for the findings on ``focus``, most severe first, then in the
    order of the document."""
    pairs = [(r, f) for f in set(focus) for r in graph.subjects(SH.focusNode, f)]
    return sorted(
        pairs,
        key=lambda rf: (
            SEVERITIES.get(graph.value(rf[0], SH.resultSeverity), 9),  # type: ignore[call-overload]
            _offset(graph, rf[1]),
            str(graph.value(rf[0], SH.sourceShape)),
        ),
    )


def _severity(graph: Graph, result: Node) -> str:
    return str(graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]


def _code(graph: Graph, result: Node) -> str:
    return str(graph.value(result, SH.sourceShape)).rsplit("#", 1)[-1]


def _findings(graph: Graph, node: Node, focus: Iterable[Node], link: Link) -> str:
    items = []
    for result, at in findings_of(graph, focus):
        severity = _severity(graph, result)
        message = _text(graph, result, SH.resultMessage) or ""
        where = ""
        if at != node:
            name = _label(graph, at)
            target = href(str(at), link)
            where = f'<a href="#{_anchor(graph, at)}">{escape(name)}</a>'
            if target:
                where += f' <small>(<a href="{escape(target)}">页面</a>)</small>'
            where += "："
        items.append(
            f'<li class="{escape(severity)}"><b>{escape(severity)}</b> '
            f"<code>{escape(_code(graph, result))}</code> {where}{escape(message)}</li>"
        )
    if not items:
        return "<h2>校验发现 · Findings</h2><p>没有校验发现 · No findings.</p>"
    return f"<h2>校验发现 · Findings ({len(items)})</h2><ul>" + "".join(items) + "</ul>"


def _rows_table(graph: Graph, rows: list[Node], link: Link) -> str:
    out = [
        "<table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>目标</th>"
        "<th>校验发现</th></tr>"
    ]
    for row in sorted(rows, key=lambda r: (_offset(graph, r), str(r))):
        levels = [
            _label(graph, level) if (level := graph.value(row, p)) is not None else ""
            for p in (PIK.level1, PIK.level2)
        ]
        marks = " ".join(
            f'<span class="{escape(_severity(graph, r))}">{escape(_code(graph, r))}</span>'
            for r, _ in findings_of(graph, [row])
        )
        out.append(
            f'<tr id="{_anchor(graph, row)}"><td>{escape(levels[0])}</td><td>{escape(levels[1])}</td>'
            f"<td>{_a(graph, row, link)}</td><td>{escape(target_text(graph, row))}</td>"
            f"<td>{marks}</td></tr>"
        )
    return "".join(out) + "</table>"


def _typed(graph: Graph, nodes: Iterable[Node], kind: URIRef) -> list[Node]:
    return sorted({n for n in nodes if (n, RDF.type, kind) in graph}, key=str)


def _indicator(graph: Graph, node: URIRef, link: Link) -> list[str]:
    body = [
        f'<p class="target">目标 · Target: <b>{escape(target_text(graph, node))}</b></p><table>'
    ]
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
        verdict = "" if met is None else ("（达成）" if met == Literal(True) else "（未达成）")
        body.append(
            f"<tr><th>实际完成值</th><td>{escape(target_text(graph, achieved))} {verdict}</td></tr>"
        )
    raw = _text(graph, node, PIK.rawText)
    body.append(f"<tr><th>原文</th><td><code>{escape(raw or '')}</code></td></tr></table>")
    body.append(_findings(graph, node, [node], link))
    return body


def _project(graph: Graph, node: URIRef, link: Link) -> list[str]:
    rows = _typed(graph, graph.subjects(PIK.project, node), PIK.IndicatorTarget)
    doc = graph.value(node, PIK.inDisclosure)
    amount = _text(graph, node, PIK.amountYuan)
    body = [
        f"<p>文件 · Document: {_a(graph, doc, link) if doc else '—'}"
        + (f"；资金 · Funds {escape(amount)} 元" if amount else "")
        + "</p>"
    ]
    goal = _text(graph, node, PIK.goal)
    if goal:
        body.append(f"<p>{escape(goal)}</p>")
    body.append(_findings(graph, node, [node, *rows], link))
    body.append(f"<h2>指标 · Indicators ({len(rows)})</h2>" + _rows_table(graph, rows, link))
    return body


def _document(graph: Graph, node: URIRef, link: Link) -> list[str]:
    contained = list(graph.subjects(PIK.inDisclosure, node))
    projects = _typed(graph, contained, PIK.Project)
    rows = _typed(graph, contained, PIK.IndicatorTarget)
    year = graph.value(node, PIK.budgetYear)
    dept = graph.value(node, PIK.department)
    body = [
        f"<p>部门 · Department: {_a(graph, dept, link) if dept else '—'}；"
        f"年度 · Year: {escape(str(year or '—'))}；"
        f"文件名 · File: {escape(_text(graph, node, PIK.fileName) or '')}</p>",
        _findings(graph, node, [node, *contained], link),
        f"<h2>项目 · Projects ({len(projects)})</h2><ul>",
    ]
    for project in projects:
        count = sum(1 for r in rows if (r, PIK.project, project) in graph)
        body.append(f"<li>{_a(graph, project, link)}（{count} 个指标）</li>")
    body.append("</ul>")
    loose = [r for r in rows if graph.value(r, PIK.project) is None]
    if loose:
        body.append("<h2>不属于项目的指标 · Indicators outside projects</h2>")
        body.append(_rows_table(graph, loose, link))
    return body


def _department(graph: Graph, node: URIRef, link: Link) -> list[str]:
    docs = _typed(graph, graph.subjects(PIK.department, node), PIK.Disclosure)
    by_year: dict[str, list[Node]] = {}
    for doc in docs:
        by_year.setdefault(str(graph.value(doc, PIK.budgetYear) or "—"), []).append(doc)
    region = graph.value(node, PIK.region)
    body = [f"<p>地区 · Region: {_a(graph, region, link) if region else '—'}</p>"]
    body.append(f"<h2>文件与项目 · Documents and projects ({len(docs)})</h2>")
    for year in sorted(by_year, reverse=True):
        body.append(f"<h3>{escape(year)} 年</h3><ul>")
        for doc in sorted(by_year[year], key=lambda d: (_label(graph, d), str(d))):
            projects = _typed(graph, graph.subjects(PIK.inDisclosure, doc), PIK.Project)
            file_name = _text(graph, doc, PIK.fileName) or ""
            items = "".join(f"<li>{_a(graph, p, link)}</li>" for p in projects)
            body.append(
                f"<li>{_a(graph, doc, link)} <small class='muted'>{escape(file_name)}</small>"
                f"<ul>{items}</ul></li>"
            )
        body.append("</ul>")
    return body


def resource_page(graph: Graph, node: URIRef, link: Link) -> str:
    """The page of a department, document, project or indicator (or any other resource)."""
    kinds = set(graph.objects(node, RDF.type))
    builders = {
        PIK.IndicatorTarget: _indicator,
        PIK.Project: _project,
        PIK.Disclosure: _document,
        PIK.Department: _department,
    }
    title = _label(graph, node)
    body = [f"<h1>{escape(title)}</h1>"]
    build = next((b for kind, b in builders.items() if kind in kinds), None)
    if build is not None:
        body += build(graph, node, link)
    else:
        body.append("<table>")
        for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            body.append(
                f"<tr><th>{_a(graph, p, link, str(p))}</th><td>{_a(graph, o, link)}</td></tr>"
            )
        body.append("</table>")
    here = href(str(node), link) or ""
    formats = " · ".join(
        f'<a href="{escape(here)}?format={key}">{name}</a>'
        for key, name in (
            ("ttl", "Turtle"),
            ("jsonld", "JSON-LD"),
            ("nt", "N-Triples"),
            ("rdf", "RDF/XML"),
        )
    )
    body.append(f"<p><small>{escape(str(node))} · {formats}</small></p>")
    return _page(title, "\n".join(body))


def _search_form(text: str) -> str:
    return (
        '<form action="/search" method="get"><input type="search" name="q" size="40" '
        f'value="{escape(text)}" placeholder="部门、项目或指标名称 · name of a department, project or indicator">'
        ' <button type="submit">搜索 · Search</button></form>'
    )


@dataclass(frozen=True)
class IndexRow:
    """A document on the index (every field as text, "" where unknown)."""

    iri: str
    title: str
    file: str
    year: str
    department: str
    department_name: str
    rows: str


def _link(iri: str, text: str, link: Link) -> str:
    target = href(iri, link) if iri else None
    return f'<a href="{escape(target)}">{escape(text)}</a>' if target else escape(text)


def index_page(docs: list[IndexRow], link: Link) -> str:
    """Every document, by department and year, told apart by file name and size."""
    rows = [
        f"<tr><td>{_link(d.iri, d.title or d.file or d.iri, link)}</td>"
        f"<td>{_link(d.department, d.department_name, link) if d.department else '—'}</td>"
        f"<td>{escape(d.year or '—')}</td><td>{escape(d.file)}</td><td>{escape(d.rows)}</td></tr>"
        for d in sorted(docs, key=lambda d: (d.department_name, d.year, d.file, d.iri))
    ]
    table = (
        "<table><tr><th>文件 · Document</th><th>部门 · Department</th><th>年度 · Year</th>"
        f"<th>文件名 · File</th><th>指标 · Indicators</th></tr>{''.join(rows)}</table>"
    )
    return _page(
        "pikg",
        f"<h1>pikg 绩效目标知识图谱</h1>{_search_form('')}"
        f"<h2>文件 · Documents ({len(docs)})</h2>{table}",
    )


def search_page(text: str, hits: list[tuple[str, str, str]], link: Link) -> str:
    kinds = {
        str(PIK.Disclosure): "文件",
        str(PIK.Department): "部门",
        str(PIK.Project): "项目",
        str(PIK.IndicatorTarget): "指标",
    }
    items = []
    for iri, label, kind in hits:
        target = href(iri, link)
        shown = f'<a href="{escape(target)}">{escape(label)}</a>' if target else escape(label)
        items.append(f"<tr><td>{escape(kinds.get(kind, kind))}</td><td>{shown}</td></tr>")
    result = ""
    if text:
        result = (
            f"<h2>{len(hits)} 个结果 · results for “{escape(text)}”</h2>"
            f"<table>{''.join(items)}</table>"
        )
    return _page("搜索 · Search", f"<h1>搜索 · Search</h1>{_search_form(text)}{result}")


def _cell(term: dict[str, str], link: Link) -> str:
    value = term.get("value", "")
    if term.get("type") == "uri":
        target = href(value, link)
        return f'<a href="{escape(target)}">{escape(value)}</a>' if target else escape(value)
    return escape(value)


def results_table(answer: Answer, link: Link) -> str:
    """A SPARQL answer (results JSON, or Turtle for a graph) as an HTML table."""
    if answer.kind == "graph":
        rows = [
            "<tr>"
            + "".join(f"<td>{escape(str(t))}</td>" for t in (q.subject, q.predicate, q.object))
            + "</tr>"
            for q in ox.parse(answer.body, format=ox.RdfFormat.TURTLE)
        ]
        head = "<tr><th>subject</th><th>predicate</th><th>object</th></tr>"
        return f"<p>{len(rows)} triples</p><table>{head}{''.join(rows)}</table>"
    data = json.loads(answer.body)
    if "boolean" in data:
        return f"<p>ASK: <b>{'true' if data['boolean'] else 'false'}</b></p>"
    names = data["head"]["vars"]
    head = "<tr>" + "".join(f"<th>{escape(n)}</th>" for n in names) + "</tr>"
    rows = [
        "<tr>" + "".join(f"<td>{_cell(b.get(n, {}), link)}</td>" for n in names) + "</tr>"
        for b in data["results"]["bindings"]
    ]
    return f"<p>{len(rows)} rows</p><table>{head}{''.join(rows)}</table>"


def sparql_page(query: str, table: str = "", error: str = "") -> str:
    """The query form, with a results table (HTML) or an error message under it."""
    shown = table + (f'<pre class="Violation">{escape(error)}</pre>' if error else "")
    form = (
        '<form action="/sparql" method="get">'
        f'<textarea name="query" spellcheck="false">{escape(query or EXAMPLE_QUERY)}</textarea>'
        '<p><button type="submit">运行 · Run</button> '
        '<small class="muted">只读：不接受 UPDATE 与 SERVICE · read-only: no UPDATE, no SERVICE</small></p></form>'
    )
    return _page("SPARQL", f"<h1>SPARQL</h1>{form}{shown}")
