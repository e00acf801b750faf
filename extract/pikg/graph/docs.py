"""HTML documentation of the vocabulary, and the page skeleton every pikg HTML page shares."""

from __future__ import annotations

from html import escape

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

STYLE = """body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.Violation{color:#b00020}.Warning{color:#8a5a00}.Info{color:#555}code{background:#f4f4f4;padding:0 .2rem}"""


def html_page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def literal_text(graph: Graph, node: Node, prop: URIRef, lang: str = "zh") -> str | None:
    values = list(graph.objects(node, prop))
    for value in values:
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return str(values[0]) if values else None


def ontology_page(graph: Graph) -> str:
    """Reference documentation of the vocabulary: every term with its labels and definition."""
    sections = []
    kinds = (
        ("类 · Classes", OWL.Class),
        ("对象属性 · Object properties", OWL.ObjectProperty),
        ("数据属性 · Datatype properties", OWL.DatatypeProperty),
        ("概念体系 · Concept schemes", SKOS.ConceptScheme),
        ("概念 · Concepts", SKOS.Concept),
    )
    for heading, kind in kinds:
        rows = []
        for term in sorted(graph.subjects(RDF.type, kind), key=str):
            anchor = str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            zh = (
                literal_text(graph, term, RDFS.label)
                or literal_text(graph, term, SKOS.prefLabel)
                or ""
            )
            en = (
                literal_text(graph, term, RDFS.label, "en")
                or literal_text(graph, term, SKOS.prefLabel, "en")
                or ""
            )
            definition = literal_text(graph, term, SKOS.definition) or ""
            definition_en = literal_text(graph, term, SKOS.definition, "en") or ""
            rows.append(
                f'<tr id="{escape(anchor)}"><td><code>{escape(str(term))}</code></td><td>{escape(zh)}<br>{escape(en)}</td>'
                f"<td>{escape(definition)}<br>{escape(definition_en)}</td></tr>"
            )
        sections.append(f"<h2>{heading}</h2><table>{''.join(rows)}</table>")
    return html_page("pikg ontology", "<h1>pikg 本体 · pikg ontology</h1>" + "".join(sections))
