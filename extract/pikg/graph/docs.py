"""HTML documentation of the vocabulary, and the page skeleton every pikg HTML page shares.

The documentation is generated from the ontology graph as pyLODE lays it out — metadata and
version, a table of contents, the class hierarchy, then every class with the properties
whose domain or range it is, every property with its domain, range and super-properties,
and the concept schemes with their concepts — in Chinese and English, with cross-links.
(pyLODE itself needs Python 3.12 in its working releases, and sets its own fonts.)
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

# Fonts: the CJK web font when the page is served (``font``), then CJK fonts a system may
# have, so a saved page still reads where they exist.
FONT_STACK = "'pikg CJK','Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
# Form controls do not inherit the page's font by default: they would show CJK as boxes.
STYLE = f"""body,code,pre{{font-family:{FONT_STACK}}}body{{max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}}
input,button,textarea,select{{font:inherit}}code,pre,textarea{{background:#f4f4f4;padding:0 .2rem}}
.Violation{{color:#b00020}}.Warning{{color:#8a5a00}}.Info{{color:#555}}
nav a{{margin-right:1rem}}.term{{border-top:1px solid #ccc;margin-top:1.5rem}}.muted{{color:#666}}
textarea{{width:100%;min-height:12rem}}"""


def html_page(title: str, body: str, font: str | None = None) -> str:
    """A whole page; ``font`` is the URL of the CJK font file to load as 'pikg CJK'."""
    face = f"@font-face{{font-family:'pikg CJK';src:url({escape(font)})}}" if font else ""
    return (
        f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{face}{STYLE}</style></head><body>\n{body}\n"
        "</body></html>\n"
    )


def literal_text(graph: Graph, node: Node, prop: URIRef, lang: str = "zh") -> str | None:
    values = sorted(graph.objects(node, prop), key=str)
    for value in values:
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return str(values[0]) if values else None


def _label(graph: Graph, term: Node, lang: str = "zh") -> str:
    for prop in (RDFS.label, SKOS.prefLabel):
        text = literal_text(graph, term, prop, lang)
        if text:
            return text
    return ""


def _curie(graph: Graph, term: Node) -> str:
    if not isinstance(term, URIRef):
        return str(term)
    try:
        prefix, _, name = graph.namespace_manager.compute_qname(str(term), generate=False)
    except (KeyError, ValueError):
        return str(term)
    return f"{prefix}:{name}"


def _fragment(term: Node) -> str:
    return str(term).rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Doc:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.kinds = {
            "classes": sorted(graph.subjects(RDF.type, OWL.Class), key=str),
            "object": sorted(graph.subjects(RDF.type, OWL.ObjectProperty), key=str),
            "datatype": sorted(graph.subjects(RDF.type, OWL.DatatypeProperty), key=str),
            "schemes": sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str),
        }
        self.local = {t for terms in self.kinds.values() for t in terms}
        self.local |= set(graph.subjects(RDF.type, SKOS.Concept))

    def ref(self, term: Node) -> str:
        """A term as a link to its entry, or its CURIE where it is not defined here."""
        if term in self.local:
            label = _label(self.graph, term)
            text = f"{_curie(self.graph, term)}" + (f" {label}" if label else "")
            return f'<a href="#{escape(_fragment(term))}">{escape(text)}</a>'
        return f"<code>{escape(_curie(self.graph, term))}</code>"

    def refs(self, terms: Iterable[Node]) -> str:
        return ", ".join(self.ref(t) for t in sorted(set(terms), key=str)) or "—"

    def entry(self, term: Node, kind: str, facts: list[tuple[str, str]]) -> str:
        g = self.graph
        rows = [("IRI", f"<code>{escape(str(term))}</code>")]
        rows += [
            ("定义 · Definition", escape(literal_text(g, term, SKOS.definition) or "")),
            ("", escape(literal_text(g, term, SKOS.definition, "en") or "")),
        ]
        rows += facts
        deprecated = (term, OWL.deprecated, Literal(True)) in g
        table = "".join(f"<tr><th>{h}</th><td>{v}</td></tr>" for h, v in rows if v)
        return (
            f'<section class="term" id="{escape(_fragment(term))}"><h3>{escape(_label(g, term))}'
            f' · {escape(_label(g, term, "en"))} <small class="muted">{escape(kind)}'
            f"{' · deprecated' if deprecated else ''}</small></h3><table>{table}</table></section>"
        )

    def klass(self, term: Node) -> str:
        g = self.graph
        props = self.kinds["object"] + self.kinds["datatype"]
        return self.entry(
            term,
            "Class",
            [
                ("上位类 · Superclasses", self.refs(g.objects(term, RDFS.subClassOf))),
                ("下位类 · Subclasses", self.refs(g.subjects(RDFS.subClassOf, term))),
                (
                    "属性 · Properties (domain)",
                    self.refs(p for p in props if (p, RDFS.domain, term) in g),
                ),
                (
                    "被引用 · Used by (range)",
                    self.refs(p for p in props if (p, RDFS.range, term) in g),
                ),
            ],
        )

    def prop(self, term: Node, kind: str) -> str:
        g = self.graph
        traits = [
            _fragment(t)
            for t in g.objects(term, RDF.type)
            if t not in (OWL.ObjectProperty, OWL.DatatypeProperty)
        ]
        return self.entry(
            term,
            kind,
            [
                ("定义域 · Domain", self.refs(g.objects(term, RDFS.domain))),
                ("值域 · Range", self.refs(g.objects(term, RDFS.range))),
                ("上位属性 · Super-properties", self.refs(g.objects(term, RDFS.subPropertyOf))),
                ("特性 · Characteristics", escape(", ".join(sorted(traits)))),
            ],
        )

    def scheme(self, term: Node) -> str:
        g = self.graph
        concepts = sorted(g.subjects(SKOS.inScheme, term), key=str)
        items = "".join(
            f'<li id="{escape(_fragment(c))}"><code>{escape(_curie(g, c))}</code> '
            f"{escape(_label(g, c))} · {escape(_label(g, c, 'en'))}"
            + (
                f" ⊂ {self.refs(g.objects(c, SKOS.broader))}"
                if (c, SKOS.broader, None) in g
                else ""
            )
            + "</li>"
            for c in concepts
        )
        return self.entry(term, "Concept scheme", [("概念 · Concepts", f"<ul>{items}</ul>")])

    def hierarchy(self) -> str:
        """Classes as a tree under rdfs:subClassOf; roots under the outside classes they
        specialise (prov:Entity, org:Organization)."""
        g = self.graph
        classes = set(self.kinds["classes"])

        def tree(term: Node) -> str:
            inner = "".join(tree(s) for s in sorted(g.subjects(RDFS.subClassOf, term), key=str))
            return f"<li>{self.ref(term)}{f'<ul>{inner}</ul>' if inner else ''}</li>"

        groups: dict[Node | None, list[Node]] = {}
        for term in self.kinds["classes"]:
            parents = set(g.objects(term, RDFS.subClassOf))
            if not parents & classes:
                outside: list[Node | None] = [*sorted(parents, key=str)] or [None]
                for parent in outside:
                    groups.setdefault(parent, []).append(term)
        items = []
        for parent in sorted(groups, key=lambda p: (p is not None, str(p))):
            inner = "".join(tree(t) for t in groups[parent])
            items.append(
                inner if parent is None else f"<li>{self.ref(parent)}<ul>{inner}</ul></li>"
            )
        return f"<ul>{''.join(items)}</ul>"


def ontology_page(graph: Graph, font: str | None = None) -> str:
    """Reference documentation of the vocabulary, generated from its graph."""
    doc = _Doc(graph)
    # The graph may merge several ontologies (pikg's, its frameworks, comparators): the one
    # documented is the one whose namespace holds the most of the terms.
    onto = max(
        sorted(graph.subjects(RDF.type, OWL.Ontology), key=str),
        key=lambda o: sum(str(t).startswith(str(o)) for t in doc.local),
        default=None,
    )
    title = (_label(graph, onto) if onto else "") or "pikg ontology"
    meta = []
    if onto is not None:
        for heading, prop in (
            ("IRI", None),
            ("版本 · Version", OWL.versionInfo),
            ("版本 IRI · Version IRI", OWL.versionIRI),
            ("许可 · License", DCTERMS.license),
            ("导入 · Imports", OWL.imports),
        ):
            values = [onto] if prop is None else sorted(graph.objects(onto, prop), key=str)
            if values:
                meta.append(
                    f"<tr><th>{heading}</th><td>{escape(', '.join(map(str, values)))}</td></tr>"
                )
        for lang in ("zh", "en"):
            text = literal_text(graph, onto, SKOS.definition, lang)
            if text:
                meta.append(
                    f"<tr><th>{'说明' if lang == 'zh' else 'Description'}</th><td>{escape(text)}</td></tr>"
                )
    sections = [
        ("classes", "类 · Classes", [doc.klass(t) for t in doc.kinds["classes"]]),
        (
            "object",
            "对象属性 · Object properties",
            [doc.prop(t, "Object property") for t in doc.kinds["object"]],
        ),
        (
            "datatype",
            "数据属性 · Datatype properties",
            [doc.prop(t, "Datatype property") for t in doc.kinds["datatype"]],
        ),
        ("schemes", "概念体系 · Concept schemes", [doc.scheme(t) for t in doc.kinds["schemes"]]),
    ]
    contents = "".join(
        f'<li><a href="#{key}">{escape(heading)}</a> ({len(doc.kinds[key])})<ul>'
        + "".join(f"<li>{doc.ref(t)}</li>" for t in doc.kinds[key])
        + "</ul></li>"
        for key, heading, _ in sections
    )
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(_label(graph, onto, 'en') if onto else '')}</p>",
        f"<table>{''.join(meta)}</table>",
        f'<h2 id="contents">目录 · Contents</h2><ul><li><a href="#hierarchy">类层次 · Class hierarchy</a></li>{contents}</ul>',
        f'<h2 id="hierarchy">类层次 · Class hierarchy</h2>{doc.hierarchy()}',
    ]
    body += [
        f'<h2 id="{key}">{escape(heading)}</h2>' + "".join(items)
        for key, heading, items in sections
    ]
    return html_page(title, "\n".join(body), font)
