"""``pikg release``: a linked-data release of the store — dumps, a VoID + DCAT description
and the ontology's reference documentation. Files are byte-identical for the same store."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD
from rdflib.term import Node

from pikg import __version__, resources
from pikg.checking.validate import release_problems
from pikg.errors import UsageError
from pikg.graph import docs
from pikg.graph.mapping import PREFIXES, decimal_literal, graph_name, jsonld_text, sorted_ntriples
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
        for ln in data.decode("utf-8").split("\n")
        if ln.strip() and not ln.rstrip().endswith(f"<{VOCABULARY.value}> .")
    }
    return sorted(lines)


def _canonical(term: Node) -> Node:
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        return decimal_literal(str(term))
    return term


# Every file a release writes; a folder holding anything else is not replaced.
RELEASE_FILES = (
    "context.jsonld",
    "ontology.html",
    "ontology.ttl",
    "pikg.jsonld",
    "pikg.nq.gz",
    "pikg.ttl",
    "void.ttl",
)


def check_arguments(out: Path, base: str, license_url: str, endpoint: str | None) -> None:
    """Refuse bad arguments before anything is written: `--base` is the http(s) folder the
    files will sit in, `--license` and `--endpoint` are absolute http(s) URLs, and `--out` is
    a new folder or an earlier release."""
    for option, url in (("--base", base), ("--license", license_url), ("--endpoint", endpoint)):
        if url is None:
            continue
        parts = urllib.parse.urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(c in url for c in '<>" {}|\\^`')
        ):
            raise UsageError(f"{option} {url!r} is not an absolute http(s) URL")
    if not base.endswith("/"):
        raise UsageError(f"--base {base!r} must end with / (the release files go below it)")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in RELEASE_FILES)
        if foreign:
            raise UsageError(
                f"--out {out}: holds {', '.join(foreign[:3])}, which no release wrote; "
                "give an empty folder or an earlier release"
            )


def release(
    store: Store,
    out: Path,
    base: str = DEFAULT_BASE,
    publisher: str = "pikg",
    license_url: str = DEFAULT_LICENSE,
    endpoint: str | None = None,
) -> Release:
    """Write the release into a temporary folder beside ``out`` and swap it in at the end,
    so an interrupted or failed release leaves the previous one whole."""
    check_arguments(out, base, license_url, endpoint)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.{os.getpid()}.new"  # mkdir, not mkdtemp: keep the umask
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        triples = _write(store, staging, base, publisher, license_url, endpoint)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Release(sorted(p.name for p in out.iterdir()), triples)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is; the old release is removed only once the new one is
    in place."""
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".{out.name}.{os.getpid()}.old"
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write(
    store: Store,
    out: Path,
    base: str,
    publisher: str,
    license_url: str,
    endpoint: str | None,
) -> int:
    """Every release file in ``out``; the number of statements."""
    dataset = Dataset()
    dataset.parse(data="".join(f"{ln}\n" for ln in _quads(store)), format="nquads")
    # The store keeps numbers in its own canonical form ("80.0" comes back "80"); every dump
    # is written from one form, the one pikg writes, so the three dumps agree term for term.
    quads = [(s, p, _canonical(o), g) for s, p, o, g in dataset.quads((None, None, None, None))]
    nquads = sorted_ntriples((s, p, o, graph_name(g)) for s, p, o, g in quads)
    statements = nquads.count("\n")

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
    (out / "pikg.jsonld").write_text(jsonld_text(union, "context.jsonld"), encoding="utf-8")

    (out / "ontology.html").write_text(
        docs.ontology_page(resources.ontology_graph()), encoding="utf-8"
    )
    (out / "ontology.ttl").write_text(
        resources.ontology_graph().serialize(format="longturtle"), encoding="utf-8"
    )

    void = describe(union, statements, base, publisher, license_url, endpoint, out)
    problems = release_problems(void)
    if problems is not None:
        raise UsageError(
            f"the release description does not conform to shapes/release.ttl: {problems}"
        )
    (out / "void.ttl").write_text(void.serialize(format="longturtle"), encoding="utf-8")
    return statements


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
