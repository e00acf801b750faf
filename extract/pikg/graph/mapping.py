"""Map an extraction to RDF under the pik: ontology: one named graph per source document.

Departments and regions are shared by many documents: they live once, in the graph
``SHARED`` (the same triples from every document, so loading merges rather than copies them),
and a join over the union of the graphs returns each department or region once.

Every resource has an IRI minted from content (``iris``); no blank nodes. Values keep their
written form as text (``pik:valueWritten``) beside the typed literal, since stores rewrite
numbers ("95.0" → "95").
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import PurePath

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from pikg import __version__
from pikg.graph import iris
from pikg.model import EmptySection, Extraction, IndicatorRow, Target, Unparsed
from pikg.namespace import CONCEPT, ID, PIK, PIKCMP, PIKFW, PIKUNIT
from pikg.parsing.concepts import SCHEME as CONCEPT_SCHEME
from pikg.parsing.targets import unit_info, units

QUDT_UNIT = Namespace("http://qudt.org/vocab/unit/")
ORG = Namespace("http://www.w3.org/ns/org#")

COMPARATORS = {"≥": PIKCMP.ge, "≤": PIKCMP.le, "=": PIKCMP.eq, ">": PIKCMP.gt, "<": PIKCMP.lt}
KINDS = {
    "budget": PIK.Budget,
    "final-accounts": PIK.FinalAccounts,
    "target-table": PIK.TargetTable,
    "self-evaluation": PIK.SelfEvaluation,
    "approval": PIK.Approval,
    "department-overall": PIK.DepartmentOverall,
}
VALUE_KINDS = {
    "number": PIK.NumberValue,
    "date": PIK.DateValue,
    "text": PIK.TextValue,
    "range": PIK.RangeValue,
    "empty": PIK.EmptyValue,
}
LEVEL_SOURCES = {"stated": PIK.Stated, "inferred": PIK.Inferred, "unknown": PIK.Unknown}
ADMIN_LEVELS = (PIK.Province, PIK.Prefecture, PIK.County, PIK.Township)
SHARED: URIRef = URIRef(f"{ID}shared")  # the graph of departments and regions
SHARED_CLASSES: tuple[URIRef, ...] = (
    PIK.Department,
    PIK.Region,
    ORG.Organization,
)  # what lives in SHARED
PREFIXES = {
    "pik": str(PIK._NS),
    "pikc": CONCEPT,
    "skos": str(SKOS),
    "pikfw": str(PIKFW),
    "pikcmp": str(PIKCMP),
    "pikunit": str(PIKUNIT),
    "unit": str(QUDT_UNIT),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "org": str(ORG),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
}


def extraction_time(at: str | None) -> datetime | None:
    """`--at`: an ISO time, `now`, or unset; unset reads SOURCE_DATE_EPOCH, else no time.

    Published output is byte-identical for the same input, so the time of an extraction is
    recorded only when asked for.
    """
    if at == "now":
        return datetime.now(timezone.utc).replace(microsecond=0)
    if at:
        return datetime.fromisoformat(at)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else None


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def decimal_literal(text: str) -> Literal:
    """The canonical xsd:decimal form (`80` → `80.0`), the same in every syntax we write."""
    plain = format(Decimal(text).normalize(), "f")
    return Literal(plain if "." in plain else f"{plain}.0", datatype=XSD.decimal)


def _date_literal(iso: str) -> Literal:
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(iso)]
    return Literal(iso, datatype=datatype)


Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]  # subject, predicate, object, graph


class _Graph:
    """The triples of one named graph, gathered into ``quads`` (a dict as an ordered set).

    Plain tuples, not an rdflib Dataset: adding to rdflib's indexed store cost more than
    everything else in mapping, and the store and the validator take the quads as they are."""

    def __init__(self, quads: dict[Quad, None], name: URIRef) -> None:
        self.quads = quads
        self.name = name

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.quads[(s, p, o, self.name)] = None


def _value(g: _Graph, node: URIRef, target: Target) -> None:
    """The value triples shared by a target and an achieved value."""
    g.add(node, PIK.valueKind, VALUE_KINDS[target.kind])
    if target.value is None:
        return
    g.add(node, PIK.valueWritten, Literal(target.value))
    if target.kind == "number":
        g.add(node, PIK.decimalValue, decimal_literal(target.value))
    elif target.kind == "date" and target.value_normalized:
        g.add(node, PIK.dateValue, _date_literal(target.value_normalized))
    elif target.kind == "text":
        g.add(node, PIK.textValue, _zh(target.value))
    if target.unit:
        g.add(node, PIK.unitWritten, Literal(target.unit))
        info = unit_info(target.unit)
        if info is not None:
            g.add(node, PIK.unit, URIRef(info.iri))
            if target.value_normalized:
                g.add(node, PIK.normalizedValue, decimal_literal(target.value_normalized))
                g.add(node, PIK.normalizedUnit, URIRef(info.base_iri))


def _located(
    g: _Graph,
    doc: URIRef,
    node: URIRef,
    kind: URIRef,
    part: Unparsed | EmptySection,
    text: str,
) -> None:
    """A stretch of the document that gave no row: its kind, project, text and offsets."""
    g.add(node, RDF.type, kind)
    g.add(node, PIK.inDisclosure, doc)
    g.add(node, PROV.wasDerivedFrom, doc)
    if part.project:
        g.add(node, PIK.project, URIRef(iris.project(str(doc), part.project)))
    g.add(node, PIK.rawText, Literal(text))
    g.add(node, PIK.startOffset, Literal(part.start, datatype=XSD.nonNegativeInteger))
    g.add(node, PIK.endOffset, Literal(part.end, datatype=XSD.nonNegativeInteger))


def _row(g: _Graph, doc: URIRef, row: IndicatorRow) -> None:
    node = URIRef(iris.target(str(doc), row))
    target = row.target
    g.add(node, RDF.type, PIK.IndicatorTarget)
    g.add(node, RDFS.label, _zh(row.name))
    g.add(node, PIK.indicatorName, _zh(row.name))
    g.add(node, PIK.inDisclosure, doc)
    g.add(node, PROV.wasDerivedFrom, doc)
    if row.project:
        g.add(node, PIK.project, URIRef(iris.project(str(doc), row.project)))
    for prop, written, level in (
        (PIK.level1, PIK.level1Written, row.level1),
        (PIK.level2, PIK.level2Written, row.level2),
    ):
        if level is not None and level.iri:
            g.add(node, prop, URIRef(level.iri))
            if level.label != level.canonical:  # 数量值, 受益群众满意度指标: as the form writes it
                g.add(node, written, Literal(level.label))
    g.add(node, PIK.levelSource, LEVEL_SOURCES[row.level_source])
    _concept(g, node, row)
    if row.scheme:
        g.add(node, PIK.framework, PIKFW[f"scheme-{row.scheme}"])
    if target.operator in COMPARATORS:
        g.add(node, PIK.comparator, COMPARATORS[target.operator])
    elif target.kind == "text":
        g.add(node, PIK.comparator, PIKCMP.qualitative)
    if target.operator_written:
        g.add(node, PIK.comparatorWritten, Literal(target.operator_written))
    _value(g, node, target)
    if target.kind == "range":  # a one-sided target's bound is its value already
        if target.lower is not None:
            g.add(node, PIK.lowerBound, decimal_literal(format(target.lower, "f")))
        if target.upper is not None:
            g.add(node, PIK.upperBound, decimal_literal(format(target.upper, "f")))
    if row.actual is not None:
        achieved = URIRef(f"{node}/achieved")
        g.add(node, PIK.achievedValue, achieved)
        g.add(achieved, RDF.type, PIK.AchievedValue)
        g.add(achieved, PROV.wasDerivedFrom, doc)
        _value(g, achieved, row.actual)
        if row.met is not None:
            g.add(achieved, PIK.met, Literal(row.met))
    g.add(node, PIK.rawText, Literal(row.raw))
    g.add(node, PIK.startOffset, Literal(row.start, datatype=XSD.nonNegativeInteger))
    g.add(node, PIK.endOffset, Literal(row.end, datatype=XSD.nonNegativeInteger))
    if row.page is not None:
        g.add(node, PIK.sourcePage, Literal(row.page, datatype=XSD.positiveInteger))
    if row.sheet is not None:
        g.add(node, PIK.sourceSheet, Literal(row.sheet))
    if row.cells is not None:
        g.add(node, PIK.sourceCells, Literal(row.cells))
    if row.table is not None:
        g.add(node, PIK.sourceTable, Literal(row.table, datatype=XSD.nonNegativeInteger))
    if row.direction:
        g.add(node, PIK.direction, Literal(row.direction))
    if row.weight is not None:
        g.add(node, PIK.weight, decimal_literal(format(row.weight, "f")))
    if row.score is not None:
        g.add(node, PIK.score, decimal_literal(format(row.score, "f")))
    if row.deviation_reason:
        g.add(node, PIK.deviationReason, _zh(row.deviation_reason))


def _concept(g: _Graph, node: URIRef, row: IndicatorRow) -> None:
    """The row's concept, declared in the document's graph so it reads without the scheme."""
    if row.clean_name:
        g.add(node, PIK.cleanName, _zh(row.clean_name))
    if not row.concept:
        return
    concept = URIRef(row.concept)
    g.add(node, PIK.concept, concept)
    g.add(concept, RDF.type, SKOS.Concept)
    g.add(concept, SKOS.inScheme, CONCEPT_SCHEME)
    if row.concept_label:
        g.add(concept, SKOS.prefLabel, _zh(row.concept_label))


def add_extraction(
    dataset: Dataset, result: Extraction, version: str, at: datetime | None = None
) -> URIRef:
    """Add one document's graph to ``dataset``; returns the graph's name."""
    name = URIRef(iris.graph(iris.disclosure(result, result.digest)))
    add_quads(dataset, extraction_quads(result, version, at), (name, SHARED))
    return name


def add_quads(dataset: Dataset, quads: Iterable[Quad], graphs: Iterable[URIRef] = ()) -> None:
    """Add quads to ``dataset``, declaring the named ``graphs`` even where they stay empty."""
    contexts = {name: dataset.graph(name) for name in graphs}

    def context(name: URIRef) -> Graph:
        found = contexts.get(name)
        if found is None:
            found = contexts[name] = dataset.graph(name)
        return found

    dataset.addN((s, p, o, context(g)) for s, p, o, g in quads)


def extraction_quads(result: Extraction, version: str, at: datetime | None = None) -> list[Quad]:
    """One document's graph and the shared entities it names, as quads, each once."""
    digest = result.digest
    doc = URIRef(iris.disclosure(result, digest))
    name = URIRef(iris.graph(str(doc)))
    quads: dict[Quad, None] = {}
    g = _Graph(quads, name)
    shared = _Graph(quads, SHARED)
    facts = result.facts

    g.add(doc, RDF.type, PIK.Disclosure)
    g.add(doc, PIK.disclosureKind, KINDS[facts.kind] if facts.kind else None)
    g.add(doc, PIK.contentHash, Literal(f"sha256:{digest}"))
    g.add(doc, PIK.fileName, Literal(PurePath(result.doc).name))
    if facts.year:
        g.add(doc, PIK.budgetYear, Literal(str(facts.year), datatype=XSD.gYear))
    if facts.department:
        org = URIRef(iris.department(result))
        g.add(doc, PIK.department, org)
        kind = _KIND_ZH[facts.kind] if facts.kind else "文件"
        g.add(doc, RDFS.label, _zh(f"{facts.department}{facts.year or ''}年{kind}"))
        shared.add(org, RDF.type, PIK.Department)
        shared.add(org, RDF.type, ORG.Organization)  # stated, for readers that do no inference
        shared.add(org, RDFS.label, _zh(facts.department))
        if facts.region_codes:
            shared.add(org, PIK.region, URIRef(iris.region(facts.region_codes[-1])))
    if facts.region_codes:
        # The region the document is about, also where no department is named.
        g.add(doc, DCTERMS.spatial, URIRef(iris.region(facts.region_codes[-1])))
    if facts.source_url:
        g.add(doc, PROV.wasDerivedFrom, URIRef(facts.source_url))
        g.add(name, DCAT.landingPage, URIRef(facts.source_url))
    if facts.published:
        g.add(doc, DCTERMS.issued, Literal(facts.published, datatype=XSD.date))
    parent: URIRef | None = None
    # A sidecar's region the gazetteer does not know has names but no codes: no nodes.
    named = facts.region[: len(facts.region_codes)]
    for code, region_name in zip(facts.region_codes, named, strict=True):
        node = URIRef(iris.region(code))
        shared.add(node, RDF.type, PIK.Region)
        shared.add(node, RDFS.label, _zh(region_name))
        shared.add(node, PIK.adminCode, Literal(code))
        shared.add(node, PIK.adminLevel, ADMIN_LEVELS[_admin_depth(code)])
        shared.add(node, PIK.withinRegion, parent)
        parent = node

    for project in result.projects:
        node = URIRef(iris.project(str(doc), project.name))
        g.add(node, RDF.type, PIK.Project)
        g.add(node, RDFS.label, _zh(project.name))
        g.add(node, PIK.inDisclosure, doc)
        g.add(node, PROV.wasDerivedFrom, doc)
        if project.amount:
            g.add(node, PIK.amount, decimal_literal(project.amount))
            info = units().get(project.amount_unit or "")
            g.add(node, PIK.amountUnit, URIRef(info.iri) if info else None)
        if project.amount_yuan:
            g.add(node, PIK.amountYuan, decimal_literal(project.amount_yuan))
        if project.goal:
            g.add(node, PIK.goal, _zh(project.goal))

    for row in result.rows:
        _row(g, doc, row)
    for item in result.unparsed:
        node = URIRef(iris.unparsed(str(doc), item))
        _located(g, doc, node, PIK.UnparsedLine, item, item.text)
    for section in result.empty_sections:
        node = URIRef(iris.empty_section(str(doc), section))
        _located(g, doc, node, PIK.EmptySection, section, section.first_line)

    activity = URIRef(iris.extraction(str(doc), version))
    g.add(name, RDF.type, DCAT.Dataset)
    g.add(name, DCTERMS.title, _zh(f"{PurePath(result.doc).name} 的绩效目标"))
    g.add(name, DCTERMS.source, doc)
    g.add(name, PROV.wasDerivedFrom, doc)
    g.add(name, PROV.wasGeneratedBy, activity)
    g.add(activity, RDF.type, PIK.Extraction)
    g.add(activity, PROV.used, doc)
    g.add(activity, PIK.pikgVersion, Literal(version))
    if at is not None:
        g.add(activity, PROV.endedAtTime, Literal(at.isoformat(), datatype=XSD.dateTime))
    return list(quads)


_KIND_ZH = {
    "budget": "部门预算",
    "final-accounts": "部门决算",
    "target-table": "项目支出绩效目标表",
    "self-evaluation": "项目支出绩效自评表",
    "approval": "预算批复",
    "department-overall": "部门整体支出绩效目标表",
}


def _admin_depth(code: str) -> int:
    if len(code) > 6:
        return 3
    if code.endswith("0000"):
        return 0
    return 1 if code.endswith("00") else 2


def new_dataset() -> Dataset:
    dataset = Dataset()
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns)
    return dataset


def map_extractions(results: Iterable[Extraction], at: datetime | None = None) -> Dataset:
    """The named graphs of these documents, under the running pikg's version."""
    dataset = new_dataset()
    for result in results:
        add_extraction(dataset, result, __version__, at)
    return dataset


def triples(dataset: Dataset) -> list[tuple[Node, Node, Node]]:
    """Every triple of every graph, as validation and the other union views read them."""
    return [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))]


def graph_name(graph: object) -> URIRef:
    """The name of a graph as rdflib's Dataset.quads gives it (a name or a Graph)."""
    name = graph if isinstance(graph, URIRef) else getattr(graph, "identifier", None)
    if not isinstance(name, URIRef):
        raise ValueError("only named graphs are written")
    return name


def oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph form of an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"not an RDF term: {term!r}")


def oxigraph_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    """Quads in pyoxigraph's terms. Each distinct term is converted once: a document names
    its rows, projects and itself in many quads."""
    terms: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = terms.get(node)
        if found is None:
            found = terms[node] = oxigraph_term(node)
        return found

    return [
        ox.Quad(term(s), term(p), term(o), term(g))  # type: ignore[arg-type]
        for s, p, o, g in quads
    ]


def nquads_text(quads: Iterable[ox.Quad]) -> str:
    """N-Quads written by pyoxigraph's serializer, one statement per line, lines sorted and
    unique: canonical text that strict parsers accept whatever the literals hold (line
    breaks, quotes, control characters)."""
    text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    return "".join(f"{line}\n" for line in sorted(set(text.split("\n")) - {""}))


def sorted_ntriples(quads: Iterable[tuple[Node, Node, Node, Node | None]]) -> str:
    """N-Triples (or, with graph names, N-Quads) as ``nquads_text`` writes them."""
    return nquads_text(
        ox.Quad(
            oxigraph_term(s),  # type: ignore[arg-type]
            oxigraph_term(p),  # type: ignore[arg-type]
            oxigraph_term(o),
            oxigraph_term(g) if g is not None else ox.DefaultGraph(),  # type: ignore[arg-type]
        )
        for s, p, o, g in quads
    )


def serialize(dataset: Dataset, fmt: str) -> str:
    """Canonical text of a dataset: sorted N-Triples/N-Quads, or rdflib's writers.

    Turtle and JSON-LD hold the union of the graphs; TriG and N-Quads keep one named graph
    per document.
    """
    if fmt in ("nt", "nq"):
        quads = dataset.quads((None, None, None, None))
        if fmt == "nt":
            return sorted_ntriples((s, p, o, None) for s, p, o, _ in quads)
        return sorted_ntriples((s, p, o, graph_name(g)) for s, p, o, g in quads)
    if fmt == "trig":
        return _trig(dataset)
    union = _graph_of(triples(dataset))
    if fmt == "ttl":
        return union.serialize(format="longturtle")
    if fmt == "jsonld":
        return jsonld_text(union, PREFIXES)
    raise ValueError(f"unknown RDF format {fmt!r}")


def _graph_of(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in triples:
        graph.add(triple)
    return graph


def _trig(dataset: Dataset) -> str:
    """TriG with each named graph written by the (deterministic) long Turtle writer."""
    names = sorted(
        {str(g.identifier) for g in dataset.graphs() if isinstance(g.identifier, URIRef)}
    )
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))
    blocks = []
    for name in names:
        body = _graph_of(dataset.graph(URIRef(name))).serialize(format="longturtle")
        body = "\n".join(line for line in body.split("\n") if not line.startswith("PREFIX "))
        blocks.append(f"<{name}> {{\n{body.strip()}\n}}\n")
    return head + "\n" + "\n".join(blocks)


def jsonld_text(graph: Graph, context: object) -> str:
    """JSON-LD with nodes in IRI order and multiple values sorted, so the same graph always
    gives the same bytes; ``context`` is written as the document's ``@context`` (the prefixes,
    or the address of a context file holding them)."""
    doc = json.loads(graph.serialize(format="json-ld", context=PREFIXES))
    nodes = doc.get("@graph", [doc])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(
                    value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False)
                )
    nodes.sort(key=lambda n: n.get("@id", ""))
    return (
        json.dumps(
            {"@context": context, "@graph": nodes}, ensure_ascii=False, indent=1, sort_keys=True
        )
        + "\n"
    )
