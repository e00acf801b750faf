"""The embedded store: a persistent pyoxigraph store with one named graph per document.

Loading a document again replaces its graph, so re-running adds no duplicates.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from pikg import __version__, resources
from pikg.checking.validate import add_findings, validate
from pikg.errors import DocumentError
from pikg.graph import iris
from pikg.graph.formats import sniff_rdf, syntax
from pikg.graph.mapping import add_extraction, new_dataset, serialize
from pikg.model import Extraction
from pikg.namespace import ONTOLOGY, PIK
from pikg.reading.decode import decode

VOCABULARY = ox.NamedNode(ONTOLOGY)


def sniff_file(path: Path) -> str | None:
    """The RDF syntax of a file, or None when it is a document to extract."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), f"cannot be read ({exc.strerror})") from exc
    try:
        return sniff_rdf(decode(data, str(path)))
    except DocumentError:
        return None  # not text: a document format the readers handle


_DISCLOSURE = ox.NamedNode(str(PIK.Disclosure))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


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
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]


class Store:
    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None  # None: in memory
        self.store = ox.Store(str(path)) if path is not None else ox.Store()

    def load_extraction(self, result: Extraction, findings: bool = True) -> str:
        """Replace the document's named graph with a fresh mapping, and with ``findings`` its
        findings graph with a fresh validation; the data graph's IRI."""
        dataset = new_dataset()
        name = add_extraction(dataset, result, __version__)
        if findings:
            triples = [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))]
            add_findings(
                dataset, validate(triples).findings, iris.disclosure(result, result.digest)
            )
        self._replace(serialize(dataset, "nq"), ox.RdfFormat.N_QUADS)
        return str(name)

    def load_vocabulary(self) -> None:
        """The ontology, framework, comparators and units, as the graph named by the
        ontology's IRI, so queries can read labels and notations."""
        text = resources.ontology_graph().serialize(format="nt")
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, VOCABULARY)
            for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
        ]
        if self.store.contains_named_graph(VOCABULARY):
            self.store.remove_graph(VOCABULARY)
        self.store.extend(quads)

    def load_rdf(self, path: Path) -> list[str]:
        """Load an RDF file, replacing each named graph it holds; the graphs' IRIs."""
        text = decode(path.read_bytes(), str(path))
        fmt = sniff_rdf(text)
        if fmt is None:
            raise DocumentError(str(path), "is not RDF in any syntax pikg reads")
        return self._replace(text, syntax(fmt).oxigraph, str(path))

    def _replace(self, text: str, fmt: ox.RdfFormat, path: str = "<mapping>") -> list[str]:
        try:
            quads = list(ox.parse(text, format=fmt))
        except SyntaxError as exc:
            raise DocumentError(path, f"RDF syntax error: {exc}") from exc
        quads = _into_document_graph(quads)
        graphs = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        for graph in graphs:
            if self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)
        self.store.extend(quads)
        return sorted(g.value for g in graphs if isinstance(g, ox.NamedNode))

    def flush(self) -> None:
        self.store.flush()

    def count(self) -> int:
        """Triples in the named graphs of documents and findings (the vocabulary apart)."""
        [solution] = list(
            self.query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{VOCABULARY.value}>) }}"
            )
        )
        count = solution["n"]
        return int(count.value) if count is not None else 0

    def graphs(self) -> list[str]:
        """The named graphs of documents and their findings."""
        return sorted(
            g.value
            for g in self.store.named_graphs()
            if isinstance(g, ox.NamedNode) and g != VOCABULARY
        )

    def query(self, sparql: str) -> ox.QuerySolutions:
        """A SELECT over the union of all graphs."""
        result = self.store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("only SELECT queries are supported here")
        return result
