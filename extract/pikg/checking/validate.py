"""SHACL validation of one graph: data, ontology and shapes kept as three inputs.

Two engines read the same shapes. ``sparql`` (the default) runs them compiled to SPARQL on
pyoxigraph (``checking.compiled``); ``pyshacl`` runs pySHACL, the reference, over the same
pyoxigraph store through oxrdflib. Shapes the compiler cannot translate go to pySHACL in
either case. The data and the whole ontology (not only its axioms: the rules read level
labels, ``skos:broader`` and the declarations of terms) are copied into a throw-away store,
so validation never writes into what pikg publishes. No inference: the shapes need none.

Validate one document's graph at a time (``checking.run``): the cost of a finding then does
not grow with the batch.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from pikg import resources
from pikg.checking import compiled as compiler
from pikg.graph.mapping import Quad, oxigraph_term
from pikg.namespace import PIK, SHAPES

SEVERITIES = compiler.SEVERITY_NAMES
RANK = {"Info": 0, "Warning": 1, "Violation": 2}
ENGINES = ("sparql", "pyshacl")
DEFAULT_ENGINE = "sparql"
_SETTINGS = URIRef("urn:pikg:validation-settings")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    focus: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def as_dict(self, lang: str = "zh") -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message(lang)}


@dataclass(frozen=True)
class Place:
    """Where a finding's focus node belongs: document label, project label, row name."""

    document: str
    project: str | None
    name: str | None
    file: str | None = None  # the document's file name, as check's findings give it
    start: int | None = None  # character offsets of the row or line, where the data has them
    end: int | None = None
    text: str | None = None  # an unread line's or an empty section's text


@dataclass
class Report:
    findings: list[Finding]
    places: dict[str, Place] = field(default_factory=dict)  # focus -> where it belongs

    @property
    def conforms(self) -> bool:
        """True when nothing is worse than Info."""
        return all(f.severity == "Info" for f in self.findings)

    def place(self, focus: str) -> Place:
        return self.places.get(focus, Place("?", None, None))

    @property
    def graph(self) -> Graph:
        """The findings as a SHACL validation report graph."""
        return report_graph(self.findings)


RULE_FILES = ("prefixes.ttl", "rows.ttl", "projects.ttl", "documents.ttl")
RELEASE_FILES = ("release.ttl",)


def _shapes(names: tuple[str, ...]) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(data=(resources.shapes() / name).read_text(encoding="utf-8"), format="turtle")
    return graph


@cache
def shapes_graph() -> Graph:
    """The rules on targets, projects and documents."""
    return _shapes(RULE_FILES)


@cache
def rule_codes() -> tuple[str, ...]:
    """The code of every rule (a shape's IRI fragment), sorted."""
    return tuple(
        sorted(str(s).removeprefix(SHAPES) for s in shapes_graph().subjects(RDF.type, SH.NodeShape))
    )


@cache
def release_shapes() -> Graph:
    """The shape of a release's VoID + DCAT description."""
    return _shapes(RELEASE_FILES)


_log = logging.getLogger("pikg.checking")


@cache
def compiled_rules() -> compiler.Compiled:
    """The rules compiled to SPARQL; says on stderr which shapes fall back to pySHACL."""
    return _compile(shapes_graph())


def _compile(shapes: Graph) -> compiler.Compiled:
    rules = compiler.compile_shapes(shapes)
    for shape, why in sorted(rules.fallback.items()):
        _log.warning("shape %s runs on pySHACL, not compiled: %s", shape, why)
    return rules


def ox_quad(s: Node, p: Node, o: Node, graph: ox.NamedNode | None = None) -> ox.Quad:
    """An rdflib triple as a pyoxigraph quad (in ``graph``, else the default graph)."""
    subject = cast(ox.NamedNode | ox.BlankNode, oxigraph_term(s))
    return ox.Quad(subject, cast(ox.NamedNode, oxigraph_term(p)), oxigraph_term(o), graph)


@cache
def _ontology_quads() -> tuple[ox.Quad, ...]:
    return tuple(ox_quad(s, p, o) for s, p, o in resources.ontology_graph())


def working_store(quads: Iterable[ox.Quad], satisfaction_floor: Decimal | None = None) -> ox.Store:
    """A throw-away in-memory store of the data (each quad's triple, in the default graph),
    the ontology and the settings."""
    store = ox.Store()
    store.extend(_ontology_quads())
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    if satisfaction_floor is not None:
        floor = Literal(satisfaction_floor, datatype=XSD.decimal)
        store.add(ox_quad(_SETTINGS, PIK.satisfactionFloor, floor))
    return store


def validate(
    triples: Iterable[tuple[Node, Node, Node]],
    satisfaction_floor: Decimal | None = None,
    engine: str = DEFAULT_ENGINE,
    shapes: Graph | None = None,
) -> Report:
    """Validate a graph with pikg's rules (or ``shapes``) on ``engine``."""
    quads = (ox_quad(s, p, o) for s, p, o in triples)
    return validate_quads(quads, satisfaction_floor, engine, shapes)


def validate_quads(
    quads: Iterable[ox.Quad],
    satisfaction_floor: Decimal | None = None,
    engine: str = DEFAULT_ENGINE,
    shapes: Graph | None = None,
) -> Report:
    """``validate`` of pyoxigraph quads, their graphs merged into one: what mapping gives
    the store, validated without converting it again."""
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; one of {', '.join(ENGINES)}")
    store = working_store(quads, satisfaction_floor)
    if engine == "pyshacl":
        findings = _pyshacl(store, shapes if shapes is not None else shapes_graph())
    else:
        rules = compiled_rules() if shapes is None else _compile(shapes)
        findings = [_finding(hit) for hit in compiler.run(rules, store)]
        if rules.fallback_graph is not None:
            findings += _pyshacl(store, rules.fallback_graph)
    return Report(sorted(findings, key=_order), _places(store, {f.focus for f in findings}))


def validate_store(store: ox.Store) -> list[Finding]:
    """pikg's rules compiled to SPARQL over the union of a store's graphs (the vocabulary,
    the shared entities and each document's graph, as ``pikg load`` writes them), in place:
    the whole store validated as one graph. It gives the findings of validating each
    document's graph on its own, since no rule joins two documents (tested). Shapes that do
    not compile run on pySHACL over a copy of the union."""
    rules = compiled_rules()
    findings = [_finding(hit) for hit in compiler.run(rules, store, union=True)]
    if rules.fallback_graph is not None:
        merged = ox.Store()
        merged.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
        findings += _pyshacl(merged, rules.fallback_graph)
    return sorted(findings, key=_order)


def store_report(store: ox.Store, vocabulary: ox.NamedNode) -> Report | None:
    """``validate_store`` of a store as ``pikg load`` writes it, with the places of its
    findings, read in place; None when the store's ``vocabulary`` graph is not the
    ontology this pikg validates with (missing, or from another version), since the store
    alone would then not give the findings of validating its data with this ontology."""
    ontology = set(_ontology_quads())
    stored = {
        ox.Quad(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, vocabulary)
    }
    if stored != ontology:
        return None
    findings = validate_store(store)
    return Report(findings, _places(store, {f.focus for f in findings}))


def _finding(hit: compiler.Hit) -> Finding:
    messages = dict(hit.messages)
    return Finding(
        code=hit.shape.code.removeprefix(SHAPES),
        severity=hit.shape.severity,
        focus=hit.focus,
        message_zh=messages.get("zh", ""),
        message_en=messages.get("en", ""),
    )


def _pyshacl(store: ox.Store, shapes: Graph) -> list[Finding]:
    import pyshacl  # loaded only when a graph is validated with it: it is slow to import
    from oxrdflib.store import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    _, report, _ = pyshacl.validate(
        Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID),
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,
        allow_infos=True,
    )
    assert isinstance(report, Graph)
    return list(_findings(report))


_PIK = "https://w3id.org/pikg/ontology#"
_TYPE = ox.NamedNode(str(RDF.type))


def _places(store: ox.Store, focuses: Iterable[str]) -> dict[str, Place]:
    """Document, project and row of each focus node, read from the validated data."""

    def value(
        subject: ox.NamedNode, predicate: str
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None:
        found = sorted(
            (q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)),
            key=str,
        )
        return found[0] if found else None

    def typed(node: ox.NamedNode, cls: str) -> bool:
        return any(store.quads_for_pattern(node, _TYPE, ox.NamedNode(_PIK + cls)))

    def text(subject: ox.NamedNode | None, predicate: str) -> str | None:
        found = value(subject, predicate) if subject is not None else None
        return found.value if isinstance(found, ox.Literal) else None

    disclosures = sorted(
        q.subject.value
        for q in store.quads_for_pattern(None, _TYPE, ox.NamedNode(_PIK + "Disclosure"))
        if isinstance(q.subject, ox.NamedNode)
    )
    places = {}
    for focus in sorted(focuses):
        node = ox.NamedNode(focus)
        doc = value(node, _PIK + "inDisclosure")
        if doc is None and typed(node, "Disclosure"):
            doc = node
        if doc is None:
            doc = next((ox.NamedNode(d) for d in disclosures if focus.startswith(f"{d}/")), None)
        project = node if typed(node, "Project") else value(node, _PIK + "project")
        label = None
        if isinstance(doc, ox.NamedNode):
            parts = [value(doc, _PIK + "fileName"), value(doc, str(RDFS.label))]
            label = " — ".join(p.value for p in parts if isinstance(p, ox.Literal)) or doc.value
        project_label = (
            value(project, str(RDFS.label)) if isinstance(project, ox.NamedNode) else None
        )

        start, end = text(node, _PIK + "startOffset"), text(node, _PIK + "endOffset")
        places[focus] = Place(
            label or "?",
            project_label.value if isinstance(project_label, ox.Literal) else None,
            text(node, _PIK + "indicatorName"),
            text(doc if isinstance(doc, ox.NamedNode) else None, _PIK + "fileName"),
            int(start) if start is not None else None,
            int(end) if end is not None else None,
            text(node, _PIK + "rawText") if not typed(node, "IndicatorTarget") else None,
        )
    return places


def report_graph(findings: Iterable[Finding]) -> Graph:
    """A SHACL validation report of these findings (blank nodes, as SHACL engines write)."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    found = list(findings)
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(all(f.severity == "Info" for f in found))))
    for f in found:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, URIRef(f.focus)))
        graph.add((node, SH.resultSeverity, SH[f.severity]))
        graph.add((node, SH.sourceShape, URIRef(f"{SHAPES}{f.code}")))
        graph.add((node, SH.resultMessage, Literal(f.message_zh, lang="zh")))
        graph.add((node, SH.resultMessage, Literal(f.message_en, lang="en")))
    return graph


def release_problems(description: Graph) -> str | None:
    """None when a release's VoID + DCAT description conforms to ``shapes/release.ttl``,
    else pySHACL's report text."""
    import pyshacl

    conforms, _, text = pyshacl.validate(description, shacl_graph=release_shapes())
    return None if conforms else str(text)


def findings_quads(findings: Iterable[Finding], doc: str) -> list[Quad]:
    """The findings on one document as its own named graph, ``{doc}/findings``.

    Each finding is an sh:ValidationResult with an IRI minted from its focus node and code
    (pySHACL's report uses blank nodes, which pikg does not publish).
    """
    name = URIRef(f"{doc}/findings")
    quads: dict[Quad, None] = {}
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for f in sorted(findings, key=lambda f: (f.focus, f.code, f.message_zh)):
        n = seen[(f.focus, f.code)]
        seen[(f.focus, f.code)] += 1
        node = URIRef(f"{f.focus}/finding/{f.code}" + (f"/{n}" if n else ""))
        for p, o in (
            (RDF.type, SH.ValidationResult),
            (SH.focusNode, URIRef(f.focus)),
            (SH.resultSeverity, SH[f.severity]),
            (SH.sourceShape, URIRef(f"{SHAPES}{f.code}")),
            (SH.resultMessage, Literal(f.message_zh, lang="zh")),
            (SH.resultMessage, Literal(f.message_en, lang="en")),
            (PIK.inDisclosure, URIRef(doc)),
        ):
            quads[(node, p, o, name)] = None
    return list(quads)


def _order(f: Finding) -> tuple[str, int, str]:
    return (f.focus, -RANK[f.severity], f.code)


def _findings(report: Graph) -> Iterable[Finding]:
    for result in set(report.subjects(SH.resultSeverity, None)):
        shape = str(report.value(result, SH.sourceShape))
        messages = {_language(m): str(m) for m in report.objects(result, SH.resultMessage)}
        severity = report.value(result, SH.resultSeverity)
        yield Finding(
            code=shape.removeprefix(SHAPES),
            severity=SEVERITIES.get(URIRef(str(severity)), "Violation"),
            focus=str(report.value(result, SH.focusNode)),
            message_zh=messages.get("zh", ""),
            message_en=messages.get("en", ""),
        )


def _language(message: Node) -> str:
    """The language of a result message; pySHACL drops the tag when it fills in variables,
    and then the English one is told by its run of Latin words."""
    tag = getattr(message, "language", None)
    if tag:
        return str(tag)
    return "en" if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}", str(message)) else "zh"
