"""``pikg serve``: the store on 127.0.0.1 — the SPARQL protocol at /sparql, and every pikg
IRI dereferenced with content negotiation (HTML for people; Turtle, JSON-LD, N-Triples and
RDF/XML for machines). ``https://w3id.org/pikg/id/…`` is served at ``/id/…``.

The HTTP server is waitress (threads bounded, listen backlog, idle timeout and body limit
set from ``Limits``); the application is a WSGI function on werkzeug's request parsing.
SPARQL from clients runs in worker processes with a timeout (``query_workers``); pages run
pikg's own bounded queries in the request thread. Only the store is read: SPARQL Update and
``SERVICE`` are refused, and requests must name 127.0.0.1 or localhost as their host, so a
web page elsewhere cannot use the server through DNS rebinding.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from string import Template
from typing import Any

import pyoxigraph as ox
import waitress
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from pikg import resources
from pikg.errors import UsageError
from pikg.graph import docs
from pikg.graph.formats import SYNTAXES
from pikg.graph.mapping import PREFIXES
from pikg.namespace import ID
from pikg.storage.store import Store
from pikg.web import fonts, pages
from pikg.web.query_workers import GRAPH_TYPES, RESULT_TYPES, QueryWorkers, Source
from pikg.web.sparql_guard import federation

HOSTS = ("127.0.0.1", "localhost")  # the names a request may give in its Host header


@dataclass(frozen=True)
class Limits:
    query_timeout: float = 10.0  # seconds a SPARQL query may run before its worker is killed
    query_workers: int = 2  # processes running SPARQL queries (the machine has 2 cores)
    threads: int = 8  # request threads; more requests wait in waitress's queue
    backlog: int = 1024  # listen queue: 500 clients connecting at once all get in
    connection_limit: int = 1000  # open connections before waitress stops accepting
    idle_timeout: int = 30  # seconds an idle keep-alive connection is kept
    max_body: int = 1 << 20  # bytes of a request body (a query, a form)
    search_results: int = 200  # rows a search shows


def local(iri: str) -> str:
    """The path of a pikg IRI on this server; other IRIs are returned as they are."""
    return "/id/" + urllib.parse.quote(iri[len(ID) :], safe="/-._~") if iri.startswith(ID) else iri


# --- reading the store for pages -----------------------------------------------------------

_PREFIXES = f"""PREFIX pik: <{PREFIXES["pik"]}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
"""

# What a page shows about $node: its own triples, what points at it as project, document or
# department, their triples, and the findings on it and on what it contains. The IRI is
# written into each branch (oxigraph would otherwise evaluate the branches for every node
# and join afterwards); it is a checked ``ox.NamedNode``, so it cannot leave its <…>.
_DESCRIBE = Template(
    _PREFIXES
    + """CONSTRUCT { ?s ?p ?o } WHERE {
  { $node ?p ?o BIND($node AS ?s) }
  UNION { VALUES ?p { pik:project pik:inDisclosure pik:department } ?s ?p $node BIND($node AS ?o) }
  UNION { { ?x pik:project $node } UNION { ?x pik:inDisclosure $node }
          UNION { ?x pik:department $node } UNION { $node ?q ?x FILTER(ISIRI(?x)) }
          ?x ?p ?o BIND(?x AS ?s) }
  UNION { ?d pik:department $node . ?x pik:inDisclosure ?d ; a pik:Project ; ?p ?o
          FILTER(?p IN (rdf:type, rdfs:label, pik:inDisclosure)) BIND(?x AS ?s) }
  UNION { ?s sh:focusNode $node ; ?p ?o }
  UNION { { ?f pik:project $node } UNION { ?f pik:inDisclosure $node } ?s sh:focusNode ?f ; ?p ?o }
}"""
)
_LABELS = (
    _PREFIXES
    + """CONSTRUCT { ?x ?p ?l } WHERE {
  VALUES ?x { %s } VALUES ?p { rdfs:label skos:prefLabel } ?x ?p ?l }"""
)
_INDEX = (
    _PREFIXES
    + """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?f) AS ?file) (SAMPLE(?y) AS ?year)
       (SAMPLE(?o) AS ?org) (SAMPLE(?n) AS ?orgName) (COUNT(DISTINCT ?r) AS ?rows) WHERE {
  ?d a pik:Disclosure .
  OPTIONAL { ?d rdfs:label ?t } OPTIONAL { ?d pik:fileName ?f } OPTIONAL { ?d pik:budgetYear ?y }
  OPTIONAL { ?d pik:department ?o OPTIONAL { ?o rdfs:label ?n } }
  OPTIONAL { ?r a pik:IndicatorTarget ; pik:inDisclosure ?d }
} GROUP BY ?d"""
)
_SEARCH = (
    _PREFIXES
    + """SELECT DISTINCT ?x ?label ?kind WHERE {
  VALUES ?kind { pik:Disclosure pik:Department pik:Project pik:IndicatorTarget }
  ?x a ?kind ; rdfs:label|pik:indicatorName ?label
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE(%s)))
} ORDER BY ?kind ?label LIMIT %d"""
)


def _construct(store: Store, query: str) -> list[ox.Triple]:
    result = store.store.query(query, use_default_graph_as_union=True)
    if not isinstance(result, ox.QueryTriples):
        raise TypeError("a CONSTRUCT query was expected")
    return list(result)


def _term(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(str(term.value))


def _graph(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph of the triples, for the page builders (converted term by term: a
    round trip through N-Triples costs more than the query)."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for t in triples:
        graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return graph


def describe(store: Store, node: ox.NamedNode) -> list[ox.Triple]:
    """The triples of a resource's page, and the labels of every IRI they name. ``node`` is a
    checked IRI, written in its N-Triples form: nothing else a client sends is in the query."""
    triples = _construct(store, _DESCRIBE.substitute(node=str(node)))
    named = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    if named:
        values = " ".join(str(n) for n in sorted(named, key=lambda n: n.value))
        triples += _construct(store, _LABELS % values)
    return triples


# --- the application -----------------------------------------------------------------------

RESOURCE_SYNTAXES = [s for s in SYNTAXES.values() if not s.quads]  # a page is one graph


class App:
    def __init__(self, store: Store, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self.port = 0  # set once the socket is bound; a Host header may name it
        self.workers: QueryWorkers  # started once the socket is bound

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.limits.max_body
        try:
            response = self.dispatch(request)
        except RequestEntityTooLarge:
            response = _text(413, f"request bodies are limited to {self.limits.max_body} bytes")
        except HTTPException as exc:
            response = _text(exc.code or 400, exc.description or exc.name)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # No script runs on these pages and nothing loads from elsewhere; a javascript: link
        # that got through would still not run.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'; img-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'"
        )
        return response(environ, start_response)

    def _host_allowed(self, request: Request) -> bool:
        host = request.headers.get("Host", "")
        name, _, port = host.rpartition(":") if ":" in host else (host, "", "")
        return name in HOSTS and (not port or port == str(self.port))

    def dispatch(self, request: Request) -> Response:
        if not self._host_allowed(request):
            return _text(421, "this server answers only to 127.0.0.1 and localhost")
        path = request.path
        if request.method not in ("GET", "HEAD") and not (
            path == "/sparql" and request.method == "POST"
        ):
            allow = "GET, HEAD, POST" if path == "/sparql" else "GET, HEAD"
            response = _text(405, f"{request.method} is not served here")
            response.headers["Allow"] = allow
            return response
        if path == "/":
            return _html(pages.index_page(self.documents(), local))
        if path == "/search":
            return self.search(request.args.get("q", ""))
        if path == "/sparql":
            return self.sparql(request)
        if path == "/ontology":
            return _html(ontology_html())
        if path.startswith("/static/"):
            return static(path[len("/static/") :])
        if path.startswith("/id/"):
            return self.resource(request, path[len("/id/") :])
        return _text(404, "not found")

    def documents(self) -> list[pages.IndexRow]:
        solutions = self.store.store.query(_INDEX, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)

        def text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
            return "" if term is None else str(getattr(term, "value", term))

        return [
            pages.IndexRow(
                *(text(s[v]) for v in ("d", "title", "file", "year", "org", "orgName", "rows"))
            )
            for s in solutions
        ]

    def search(self, text: str) -> Response:
        text = text.strip()
        rows: list[tuple[str, str, str]] = []
        if text:
            query = _SEARCH % (ox.Literal(text), self.limits.search_results)  # escaped
            solutions = self.store.store.query(query, use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            for s in solutions:
                x, label, kind = s["x"], s["label"], s["kind"]
                if x is not None and label is not None and kind is not None:
                    rows.append((x.value, label.value, kind.value))
        return _html(pages.search_page(text, rows, local))

    def sparql(self, request: Request) -> Response:
        if request.method == "POST":
            kind = request.mimetype
            if kind == "application/sparql-update" or "update" in request.form:
                return _text(403, "this endpoint is read-only: SPARQL Update is refused")
            if kind == "application/sparql-query":
                query = request.get_data(as_text=True)
            else:
                query = request.form.get("query", "")
        else:
            if "update" in request.args:
                return _text(403, "this endpoint is read-only: SPARQL Update is refused")
            query = request.args.get("query", "")
        html = _prefers_html(request)
        if not query.strip():
            if html:
                return _html(pages.sparql_page(""))
            return _text(400, "give a SPARQL query as ?query=")
        if federation(query):
            return _text(403, "SERVICE (federated queries) is refused by this endpoint")
        if html:
            answer = self.workers.run(query, ["application/sparql-results+json", "text/turtle"])
            if answer.status != 200:
                error = answer.body.decode("utf-8", "replace")
                return _html(pages.sparql_page(query, error=error), answer.status)
            return _html(pages.sparql_page(query, table=pages.results_table(answer, local)))
        offered = [*RESULT_TYPES, *GRAPH_TYPES]
        accept = offered
        if request.accept_mimetypes:  # in the client's order of preference (a stable sort)
            quality = request.accept_mimetypes.quality
            accept = sorted((m for m in offered if quality(m) > 0), key=lambda m: -quality(m))
        answer = self.workers.run(query, accept)
        return Response(answer.body, status=answer.status, content_type=answer.media_type)

    def resource(self, request: Request, rest: str) -> Response:
        # ``rest`` is percent-decoded (werkzeug reads PEP 3333's Latin-1 path as UTF-8); an
        # IRI oxigraph rejects (spaces, ``>``, quotes…) names nothing here.
        try:
            iri = ox.NamedNode(ID + rest)
        except ValueError:
            return _text(404, "not a pikg IRI")
        offered = ["text/html", *(s.media_type for s in RESOURCE_SYNTAXES)]
        by_key = {"html": "text/html", **{s.key: s.media_type for s in RESOURCE_SYNTAXES}}
        asked = request.args.get("format")
        if asked is not None:
            media = by_key.get(asked)
            if media is None:
                return _text(406, f"?format= is one of {', '.join(by_key)}")
        elif request.accept_mimetypes:
            media = request.accept_mimetypes.best_match(offered)
            if media is None:
                return _text(406, f"this resource can be given as {', '.join(offered)}")
        else:
            media = "text/html"
        triples = describe(self.store, iri)
        if not any(t.subject == iri for t in triples):
            return _text(404, f"no resource {iri.value}")
        if media == "text/html":
            response = _html(pages.resource_page(_graph(triples), URIRef(iri.value), local))
        else:
            syntax = next(s for s in RESOURCE_SYNTAXES if s.media_type == media)
            prefixes = dict(PREFIXES) if syntax.key in ("ttl", "rdf") else None
            body = ox.serialize(triples, format=syntax.oxigraph, prefixes=prefixes) or b""
            response = Response(body, content_type=f"{media}; charset=utf-8")
        response.headers["Vary"] = "Accept"
        return response


def _prefers_html(request: Request) -> bool:
    """A browser (its Accept names text/html before any SPARQL result type)."""
    best = request.accept_mimetypes.best_match(["text/html", *RESULT_TYPES, *GRAPH_TYPES])
    return best == "text/html" and any(m == "text/html" for m, _ in request.accept_mimetypes)


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _html(page: str, status: int = 200) -> Response:
    return Response(page, status=status, content_type="text/html; charset=utf-8")


@cache
def ontology_html() -> str:
    return docs.ontology_page(resources.ontology_graph(), font=fonts.FONT_URL)


def static(name: str) -> Response:
    font = fonts.font_file() if name == fonts.FONT_NAME else None
    if font is None:
        return _text(404, "not found")
    response = Response(font, content_type="font/otf")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# --- running it ----------------------------------------------------------------------------


def _source(store: Store) -> Source:
    if store.path is not None:
        return Source(store.path, None)
    return Source(None, store.store.dump(format=ox.RdfFormat.N_QUADS) or b"")


def _create(store: Store, port: int, limits: Limits) -> tuple[Any, QueryWorkers]:
    fonts.font_file()  # cut the font once, before the first page asks for it
    # waitress warns on every request queued behind busy threads; a burst of clients is the
    # normal case here, and they are served in turn.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = App(store, limits)
    try:
        httpd = waitress.create_server(
            app,
            host="127.0.0.1",
            port=port,
            threads=limits.threads,
            backlog=limits.backlog,
            connection_limit=limits.connection_limit,
            channel_timeout=limits.idle_timeout,
            cleanup_interval=max(1, limits.idle_timeout // 2),  # how often idle ones are found
            max_request_body_size=limits.max_body,
            asyncore_use_poll=True,  # select() fails on descriptors past 1024
            ident="pikg",
            expose_tracebacks=False,
        )
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from None
    app.port = httpd.effective_port
    app.workers = QueryWorkers(_source(store), limits.query_workers, limits.query_timeout)
    return httpd, app.workers


def run(
    store: Store, port: int, announce: Callable[[str], None], limits: Limits | None = None
) -> None:
    """Serve until interrupted; ``announce(url)`` once listening. A port that cannot be
    bound is a one-line UsageError."""
    httpd, workers = _create(store, port, limits or Limits())
    announce(f"http://127.0.0.1:{httpd.effective_port}/")
    try:
        httpd.run()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.close()
        workers.close()


@contextmanager
def server(store: Store, port: int = 0, limits: Limits | None = None) -> Iterator[str]:
    """The server in a thread on 127.0.0.1 (port 0: any free one), for tests and benchmarks;
    yields its base URL and stops it on exit."""
    httpd, workers = _create(store, port, limits or Limits())
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.effective_port}"
    finally:
        httpd.task_dispatcher.shutdown()
        httpd.close()
        thread.join(timeout=5)
        workers.close()
