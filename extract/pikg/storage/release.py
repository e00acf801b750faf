"""``pikg release``: a linked-data release of the store — dumps, a VoID + DCAT description
and the ontology's reference documentation. Files are byte-identical for the same store."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from rdflib.term import Node

from pikg import __version__, resources
from pikg.checking.validate import release_problems
from pikg.graph import docs
from pikg.graph.mapping import PREFIXES, decimal_literal, graph_name
from pikg.namespace import ONTOLOGY, SHAPES
from pikg.storage.store import VOCABULARY, Store

VOID = Namespace("http://rdfs.org/ns/void#")
MEDIA = "https://www.iana.org/assignments/media-types/"
DEFAULT_BASE = "https://w3id.org/pikg/release/"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass
class Release:
    files: list[str]
    triples: int


def _quads(store: Store) -> list[str]:
    """The document and findings graphs as sorted N-Quads lines."""
    data = store.store.dump(format=ox.RdfFormat.N_QUADS) or b""
    lines = {
        ln
        for ln in data.decode("utf-8").splitlines()
        if ln.strip() and not ln.rstrip().endswith(f"<{VOCABULARY.value}> .")
    }
    return sorted(lines)


def _canonical(term: Node) -> Node:
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        return decimal_literal(str(term))
    return term


def release(
    store: Store,
    out: Path,
    base: str = DEFAULT_BASE,
    publisher: str = "pikg",
    license_url: str = DEFAULT_LICENSE,
    endpoint: str | None = None,
) -> Release:
    out.mkdir(parents=True, exist_ok=True)
    dataset = Dataset()
    dataset.parse(data="".join(f"{ln}\n" for ln in _quads(store)), format="nquads")
    # The store keeps numbers in its own canonical form ("80.0" comes back "80"); every dump
    # is written from one form, the one pikg writes, so the three dumps agree term for term.
    quads = [(s, p, _canonical(o), g) for s, p, o, g in dataset.quads((None, None, None, None))]
    lines = sorted({f"{s.n3()} {p.n3()} {o.n3()} {graph_name(g).n3()} ." for s, p, o, g in quads})
    nquads = "".join(f"{ln}\n" for ln in lines)

    buffer = io.BytesIO()
    with gzip.GzipFile(filename="pikg.nq", mode="wb", fileobj=buffer, mtime=0) as gz:
        gz.write(nquads.encode("utf-8"))
    (out / "pikg.nq.gz").write_bytes(buffer.getvalue())

    union = Graph()
    for prefix, ns in PREFIXES.items():
        union.bind(prefix, ns)
    for s, p, o, _ in quads:
        union.add((s, p, o))
    (out / "pikg.ttl").write_text(union.serialize(format="longturtle"), encoding="utf-8")

    context = {"@context": PREFIXES}
    (out / "context.jsonld").write_text(
        json.dumps(context, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    expanded = json.loads(union.serialize(format="json-ld", context=PREFIXES))
    nodes = sorted(expanded.get("@graph", []), key=lambda n: n.get("@id", ""))
    document = {"@context": "context.jsonld", "@graph": nodes}
    (out / "pikg.jsonld").write_text(
        json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )

    (out / "ontology.html").write_text(
        docs.ontology_page(resources.ontology_graph()), encoding="utf-8"
    )
    (out / "ontology.ttl").write_text(
        resources.ontology_graph().serialize(format="longturtle"), encoding="utf-8"
    )

    void = describe(union, len(lines), base, publisher, license_url, endpoint, out)
    problems = release_problems(void)
    if problems is not None:
        raise ValueError(
            f"the release description does not conform to shapes/release.ttl: {problems}"
        )
    (out / "void.ttl").write_text(void.serialize(format="longturtle"), encoding="utf-8")
    return Release(sorted(p.name for p in out.iterdir()), len(lines))


def describe(
    data: Graph,
    triples: int,
    base: str,
    publisher: str,
    license_url: str,
    endpoint: str | None,
    out: Path,
) -> Graph:
    """The VoID + DCAT description of a release (IRIs under ``base``; no blank nodes)."""
    pik = Namespace(PREFIXES["pik"])
    g = Graph()
    for prefix, ns in {
        "void": VOID,
        "dcat": DCAT,
        "dcterms": DCTERMS,
        "foaf": FOAF,
        "xsd": XSD,
    }.items():
        g.bind(prefix, ns)
    dataset = URIRef(f"{base}void.ttl#dataset")
    years = sorted(int(str(y)) for y in data.objects(None, pik.budgetYear))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("pikg 绩效目标知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal("pikg performance-target knowledge graph", lang="en")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal("预决算公开文件中的项目绩效目标及其校验发现。", lang="zh"),
        )
    )
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Project performance targets from Chinese budget disclosures, with their validation findings.",
                lang="en",
            ),
        )
    )
    agent = URIRef(f"{base}void.ttl#publisher")
    g.add((dataset, DCTERMS.publisher, agent))
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(publisher)))
    g.add((dataset, DCTERMS.license, URIRef(license_url)))
    g.add((dataset, DCTERMS.conformsTo, URIRef(SHAPES.rstrip("#"))))
    g.add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY)))
    g.add((dataset, VOID.vocabulary, URIRef(PREFIXES["pik"])))
    g.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    g.add((dataset, DCTERMS.hasVersion, Literal(__version__)))
    if years:
        period = URIRef(f"{base}void.ttl#period")
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{years[0]}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{years[-1]}-12-31", datatype=XSD.date)))
    if endpoint:
        g.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    for name, media, title in (
        ("pikg.nq.gz", "application/n-quads", "N-Quads (gzip), one named graph per document"),
        ("pikg.ttl", "text/turtle", "Turtle"),
        ("pikg.jsonld", "application/ld+json", "JSON-LD"),
    ):
        dist = URIRef(f"{base}void.ttl#{name}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(title, lang="en")))
        g.add((dist, DCAT.downloadURL, URIRef(f"{base}{name}")))
        g.add((dist, DCAT.mediaType, URIRef(f"{MEDIA}{media}")))
        g.add(
            (
                dist,
                DCAT.byteSize,
                Literal((out / name).stat().st_size, datatype=XSD.nonNegativeInteger),
            )
        )
        if name.endswith(".gz"):
            g.add((dist, DCAT.compressFormat, URIRef(f"{MEDIA}application/gzip")))
    return g
