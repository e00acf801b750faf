"""The embedded store: a persistent pyoxigraph store with one named graph per document.

Loading a document again replaces its graphs, so re-running adds no duplicates; the graph of
shared departments and regions (``mapping.SHARED``) is merged into, not replaced. A document
goes in atomically: a document none of whose graphs is stored yet is one transaction; one
that replaces stored graphs is written into staging graphs first (one transaction) and then
moved over the old ones by one SPARQL update (another), so an interruption leaves either the
old document or the new one, and at worst a staging graph that the next load removes. The
vocabulary is replaced the same way. A batch's new documents, which replace nothing, go in
with the bulk loader instead, ``BULK_DOCUMENTS`` at a time (``load_new_documents``): the
graphs it writes are listed first, and an interrupted bulk load leaves listed graphs that the
next load removes whole.

A document travels from the worker that mapped it to the store as ``DocumentGraphs``: its
quads as N-Quads bytes written by pyoxigraph, which the store's own parser reads in one
transaction. Measured per document of ~350 quads, that costs 0.5 ms to write and 2.5 ms to
load, where pickling the pyoxigraph quads cost 10 ms and rebuilding them in Python more.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

import pyoxigraph as ox

from pikg import __version__, resources
from pikg.checking.validate import DEFAULT_ENGINE, findings_quads, ox_quad, validate_each
from pikg.errors import DocumentError
from pikg.graph import iris
from pikg.graph.formats import sniff_rdf, syntax
from pikg.graph.mapping import (
    SHARED,
    SHARED_CLASSES,
    extraction_quads,
    oxigraph_quads,
)
from pikg.model import Extraction
from pikg.namespace import ONTOLOGY, PIK
from pikg.reading.decode import decode, read_bytes, read_text
from pikg.storage.opening import open_store
from pikg.storage.skolem import skolemise

VOCABULARY = ox.NamedNode(ONTOLOGY)
SHARED_GRAPH = ox.NamedNode(str(SHARED))
STAGING = "urn:pikg:staging:"  # prefix of the graphs a replacement is written into first
# The graphs a bulk load is writing, listed while it runs (a staging graph, so no view shows it).
LOADING = ox.NamedNode(f"{STAGING}loading")
_LISTS = ox.NamedNode(f"{STAGING}lists")
# New documents per bulk load: measured on documents of ~350 quads, ~6.5 ms of CPU each at
# 200 a time (~9.5 ms at 50), against ~21 ms for a transaction each; the batch holds them
# (~25 MB at 200) until they are written.
BULK_DOCUMENTS = 200
# New documents a load writes with the bulk loader before ``flush`` compacts the store: the
# bulk loader adds its files beside the store's rather than merging them, and every index
# seek of a query then looks into each. Compacting a 10,000-document store took 3.4 s and
# made its named queries 10-30% faster; it rewrites the whole store, so a small load into a
# big one (7.5 s for one document) is left as it is.
COMPACT_AFTER_DOCUMENTS = 1000


def sniff_file(path: Path) -> str | None:
    """The RDF syntax of a file, or None when it is a document to extract."""
    data = read_bytes(path)
    try:
        return sniff_rdf(decode(data, str(path)))
    except DocumentError:
        return None  # not text: a document format the readers handle


_DISCLOSURE = ox.NamedNode(str(PIK.Disclosure))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_FILE_NAME = ox.NamedNode(str(PIK.fileName))


def _into_document_graph(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Triples of one document with no graph (Turtle, JSON-LD) go to that document's graph."""
    if any(isinstance(q.graph_name, ox.NamedNode) for q in quads):
        return quads
    docs = {
        q.subject
        for q in quads
        if q.predicate == _TYPE and q.object == _DISCLOSURE and isinstance(q.subject, ox.NamedNode)
    }
    if len(docs) != 1:
        return quads
    [doc] = docs
    graph = ox.NamedNode(f"{doc.value}/graph")
    shared = {
        q.subject
        for q in quads
        if q.predicate == _TYPE and q.object in _SHARED_CLASSES and q.subject != doc
    }
    return [
        ox.Quad(q.subject, q.predicate, q.object, SHARED_GRAPH if q.subject in shared else graph)
        for q in quads
    ]


_SHARED_CLASSES = {ox.NamedNode(str(c)) for c in SHARED_CLASSES}


def document_quads(
    result: Extraction,
    findings: bool = True,
    engine: str = DEFAULT_ENGINE,
    at: datetime | None = None,
) -> list[ox.Quad]:
    """A document's graphs, ready to store: its own, the shared entities it names and, with
    ``findings``, the findings of a fresh validation in ``{document}/findings``. Its quads are
    converted to pyoxigraph's terms once, for the validator and the store alike."""
    [quads] = documents_quads([result], findings, engine, at)
    return quads


def documents_quads(
    results: Sequence[Extraction],
    findings: bool = True,
    engine: str = DEFAULT_ENGINE,
    at: datetime | None = None,
) -> list[list[ox.Quad]]:
    """``document_quads`` of each, validated together where that gives the same findings
    (``validate_each``)."""
    each = [oxigraph_quads(extraction_quads(r, __version__, at)) for r in results]
    if findings:
        reports = validate_each(each, engine=engine)
        for result, quads, report in zip(results, each, reports, strict=True):
            doc = iris.disclosure(result, result.digest)
            quads += oxigraph_quads(findings_quads(report.findings, doc))
    return each


@dataclass(frozen=True)
class DocumentGraphs:
    """One document as the store takes it: its IRI and file name (to find an earlier version
    it replaces), the names of its graphs and their quads as N-Quads."""

    iri: str
    file_name: str
    graphs: tuple[str, ...]
    nquads: bytes


def document_graphs(
    result: Extraction, findings: bool = True, engine: str = DEFAULT_ENGINE
) -> DocumentGraphs:
    """A document extracted, mapped and (with ``findings``) validated, ready to store."""
    [graphs] = documents_graphs([result], findings, engine)
    return graphs


def documents_graphs(
    results: Sequence[Extraction], findings: bool = True, engine: str = DEFAULT_ENGINE
) -> list[DocumentGraphs]:
    """``document_graphs`` of each, validated together where that gives the same findings."""
    out = []
    for result, quads in zip(results, documents_quads(results, findings, engine), strict=True):
        names = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        out.append(
            DocumentGraphs(
                iris.disclosure(result, result.digest),
                PurePath(result.doc).name,
                tuple(sorted(names - {SHARED_GRAPH.value})),
                ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"",
            )
        )
    return out


def vocabulary_quads() -> list[ox.Quad]:
    """The ontology, framework, comparators and units, in the graph named by the ontology's
    IRI."""
    return [ox_quad(s, p, o, VOCABULARY) for s, p, o in resources.ontology_graph()]


class Store:
    def __init__(
        self, path: Path | str | None = None, *, read_only: bool = False, create: bool = True
    ) -> None:
        """A store in memory, or the one in ``path`` (see ``opening.open_store``)."""
        self.path = Path(path) if path is not None else None  # None: in memory
        self.store = (
            open_store(Path(path), read_only=read_only, create=create and not read_only)
            if path is not None
            else ox.Store()
        )
        self.bulk_loaded = 0  # new documents written by the bulk loader since the last compaction

    def load_extraction(
        self, result: Extraction, findings: bool = True, engine: str = DEFAULT_ENGINE
    ) -> str:
        """Replace the document's named graph with a fresh mapping, and with ``findings`` its
        findings graph with a fresh validation; the data graph's IRI."""
        return self.load_document(document_graphs(result, findings, engine))

    def load_document(self, doc: DocumentGraphs) -> str:
        """Store a document's graphs (``document_graphs``, made here or by a worker),
        replacing its earlier graphs and those of an earlier version; the data graph's IRI."""
        drop = self._replaced(doc)
        if drop is not None:
            self.replace(list(ox.parse(doc.nquads, format=ox.RdfFormat.N_QUADS)), drop)
        else:
            self.store.load(doc.nquads, format=ox.RdfFormat.N_QUADS)  # one transaction
        return iris.graph(doc.iri)

    def is_new(self, doc: DocumentGraphs) -> bool:
        """True when storing the document replaces nothing stored: none of its graphs, no
        findings graph of it and no earlier version of it."""
        return self._replaced(doc) is None

    def _replaced(self, doc: DocumentGraphs) -> tuple[str, ...] | None:
        """The graphs a document drops besides its own (its findings graph, an earlier
        version's graphs), or None when none of these or its own graphs are stored."""
        drop = (f"{doc.iri}/findings", *self._earlier_versions(doc.iri, doc.file_name))
        names = {ox.NamedNode(g) for g in (*doc.graphs, *drop)}
        return drop if any(self.store.contains_named_graph(g) for g in names) else None

    def load_new_documents(self, docs: list[DocumentGraphs]) -> None:
        """Store documents that replace nothing (``is_new``, and none another's version)
        with the bulk loader: several times faster than a transaction each, but not atomic.
        The graphs it writes are listed first (one transaction) and the list removed once
        they are written, so an interruption leaves the list, and ``drop_staging`` (at the
        start of the next load) removes the listed graphs whole."""
        self.store.extend(
            ox.Quad(LOADING, _LISTS, ox.NamedNode(g), LOADING) for doc in docs for g in doc.graphs
        )
        self.store.bulk_load(b"".join(doc.nquads for doc in docs), format=ox.RdfFormat.N_QUADS)
        self.store.remove_graph(LOADING)
        self.bulk_loaded += len(docs)

    def _earlier_versions(self, doc: str, name: str) -> list[str]:
        """The graphs of an earlier version of this document: a disclosure with the same file
        name, department, year and kind but other content (a corrected copy), which the
        correction replaces instead of standing beside it. Read through the store's indexes
        (by file name, then by the stale document): the cost does not grow with the store."""
        family = doc.rsplit("/", 1)[0] + "/"
        stale = {
            q.subject
            for q in self.store.quads_for_pattern(None, _FILE_NAME, ox.Literal(name))
            if isinstance(q.subject, ox.NamedNode)
            and isinstance(q.graph_name, ox.NamedNode)
            and q.subject.value.startswith(family)
            and q.subject.value != doc
            and ox.Quad(q.subject, _TYPE, _DISCLOSURE, q.graph_name) in self.store
        }
        graphs = {
            q.graph_name.value
            for old in stale
            for q in itertools.chain(
                self.store.quads_for_pattern(old, None, None),
                self.store.quads_for_pattern(None, None, old),
            )
            if isinstance(q.graph_name, ox.NamedNode)
            and q.graph_name.value.rsplit("/", 1)[0] == old.value
        }
        return sorted(graphs)

    def load_vocabulary(self) -> None:
        """The ontology, framework, comparators and units, as the graph named by the
        ontology's IRI, so queries can read labels and notations."""
        self.replace([ox_quad(s, p, o, VOCABULARY) for s, p, o in resources.ontology_graph()])

    def load_rdf(self, path: Path) -> list[str]:
        """Load an RDF file, replacing each named graph it holds; the graphs' IRIs."""
        text = read_text(path)
        fmt = sniff_rdf(text)
        if fmt is None:
            raise DocumentError(str(path), "is not RDF in any syntax pikg reads")
        try:
            quads = skolemise(ox.parse(text, format=syntax(fmt).oxigraph))
        except SyntaxError as exc:
            raise DocumentError(str(path), f"RDF syntax error: {exc}") from exc
        return self.replace(_into_document_graph(quads))

    def replace(self, quads: list[ox.Quad], drop: tuple[str, ...] = ()) -> list[str]:
        """Replace the named graphs these quads are in, merging into the shared graph, and
        drop the graphs ``drop`` names that they have no quads for, as one document:
        atomically. The names of the replaced graphs, sorted."""
        graphs = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        graphs.discard(SHARED_GRAPH)
        gone = {ox.NamedNode(g) for g in drop} - graphs
        stored = {g for g in graphs | gone if self.store.contains_named_graph(g)}
        if not stored:
            self.store.extend(quads)  # one transaction: nothing is replaced
            return sorted(g.value for g in graphs)
        staged = {g.value: ox.NamedNode(STAGING + g.value) for g in graphs}

        def staging(
            graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph,
        ) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
            return staged.get(graph.value, graph) if isinstance(graph, ox.NamedNode) else graph

        self.store.extend(
            ox.Quad(q.subject, q.predicate, q.object, staging(q.graph_name)) for q in quads
        )
        moves = [f"MOVE SILENT GRAPH <{s.value}> TO GRAPH <{g}>" for g, s in staged.items()]
        drops = [f"DROP SILENT GRAPH <{g.value}>" for g in gone]
        self.store.update(" ;\n".join(sorted(moves) + sorted(drops)))  # one transaction
        return sorted(g.value for g in graphs)

    def drop_staging(self) -> None:
        """Remove what an interrupted load left behind: the graphs an interrupted bulk load
        was writing, and staging graphs of an interrupted replacement."""
        for quad in list(self.store.quads_for_pattern(LOADING, _LISTS, None, LOADING)):
            if isinstance(quad.object, ox.NamedNode):
                self.store.remove_graph(quad.object)
        for graph in list(self.store.named_graphs()):
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(STAGING):
                self.store.remove_graph(graph)

    def flush(self) -> None:
        """Write everything out; compacted after ``COMPACT_AFTER_DOCUMENTS`` bulk-loaded ones."""
        self.store.flush()
        if self.bulk_loaded >= COMPACT_AFTER_DOCUMENTS:
            self.store.optimize()
            self.bulk_loaded = 0

    def count(self) -> int:
        """Triples in the named graphs of documents, findings and shared entities (the
        vocabulary apart)."""
        [solution] = list(
            self.query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                f'FILTER(?g != <{VOCABULARY.value}> && !STRSTARTS(STR(?g), "{STAGING}")) }}'
            )
        )
        count = solution["n"]
        return int(count.value) if count is not None else 0

    def graphs(self) -> list[str]:
        """The named graphs of documents and their findings."""
        return sorted(
            g.value
            for g in self.store.named_graphs()
            if isinstance(g, ox.NamedNode)
            and g not in (VOCABULARY, SHARED_GRAPH)
            and not g.value.startswith(STAGING)
        )

    def query(self, sparql: str) -> ox.QuerySolutions:
        """A SELECT over the union of all graphs."""
        result = self.store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("only SELECT queries are supported here")
        return result
