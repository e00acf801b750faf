"""``pikg serve``: the store on 127.0.0.1 — the SPARQL protocol at /sparql, and every pikg
IRI dereferenced with content negotiation (HTML for browsers, Turtle and JSON-LD for machines).

``https://w3id.org/pikg/id/…`` is served at ``/id/…``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
from rdflib import Graph, URIRef

from pikg.errors import UsageError
from pikg.graph.mapping import PREFIXES
from pikg.namespace import ID
from pikg.storage.store import Store
from pikg.web import pages

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}


def local(iri: str) -> str:
    return "/id/" + urllib.parse.quote(iri[len(ID) :], safe="/-._~") if iri.startswith(ID) else iri


def describe(store: Store, iri: str) -> Graph:
    """What a page shows about a resource: its own triples, its neighbours' labels and the
    findings on it and on what it contains (rows of a project, everything in a document)."""
    node = f"<{iri}>"
    query = f"""
PREFIX pik: <{PREFIXES["pik"]}>
PREFIX sh: <http://www.w3.org/ns/shacl#>
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ {node} ?p ?o BIND({node} AS ?s) }}
  UNION {{ ?s ?p ?o FILTER(?p IN (pik:project, pik:inDisclosure) && ?o = {node}) }}
  UNION {{ {{ ?x pik:project {node} }} UNION {{ ?x pik:inDisclosure {node} }} UNION {{ {node} ?q ?x FILTER(ISIRI(?x)) }}
           ?x ?p ?o BIND(?x AS ?s) }}
  UNION {{ ?s sh:focusNode ?f ; ?p ?o . {{ BIND({node} AS ?f) }} UNION {{ ?f pik:project|pik:inDisclosure {node} }} }}
}}"""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    graph.parse(data=_construct(store, query), format="nt")
    return graph


def _construct(store: Store, query: str) -> str:
    result = store.store.query(query, use_default_graph_as_union=True)
    if not isinstance(result, ox.QueryTriples):
        raise ValueError("a CONSTRUCT query was expected")
    return (ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def make_handler(store: Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "pikg"

        def log_message(self, format: str, *args: object) -> None:  # quiet: a tool, not a daemon
            return

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept")
            self.end_headers()
            self.wfile.write(body)

        def _wants(self, offered: list[str], asked: str | None = None) -> str:
            accept = asked or self.headers.get("Accept") or ""
            for part in (p.split(";")[0].strip() for p in accept.split(",")):
                if part in offered:
                    return part
            return offered[0]

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            if url.path == "/sparql":
                self._sparql(params.get("query", [""])[0])
            elif url.path.startswith("/id/"):
                self._resource(
                    ID + urllib.parse.unquote(url.path[len("/id/") :]),
                    params.get("format", [None])[0],
                )
            elif url.path == "/":
                self._send(
                    200,
                    "text/html; charset=utf-8",
                    pages.index_page(describe_all(store), local).encode(),
                )
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            kind = self.headers.get("Content-Type", "").split(";")[0]
            query = (
                body
                if kind == "application/sparql-query"
                else urllib.parse.parse_qs(body).get("query", [""])[0]
            )
            if urllib.parse.urlsplit(self.path).path != "/sparql":
                self._send(404, "text/plain; charset=utf-8", b"not found\n")
                return
            self._sparql(query)

        def _sparql(self, query: str) -> None:
            if not query:
                self._send(400, "text/plain; charset=utf-8", b"give a SPARQL query as ?query=\n")
                return
            try:
                result = store.store.query(query, use_default_graph_as_union=True)
            except SyntaxError as exc:
                self._send(400, "text/plain; charset=utf-8", f"{exc}\n".encode())
                return
            if isinstance(result, ox.QueryTriples):
                media = self._wants(list(GRAPH_TYPES))
                self._send(200, media, ox.serialize(result, format=GRAPH_TYPES[media]) or b"")
            else:
                media = self._wants(list(RESULT_TYPES))
                self._send(200, media, result.serialize(format=RESULT_TYPES[media]) or b"")

        def _resource(self, iri: str, fmt: str | None) -> None:
            graph = describe(store, iri)
            if (URIRef(iri), None, None) not in graph:
                self._send(
                    HTTPStatus.NOT_FOUND,
                    "text/plain; charset=utf-8",
                    f"no resource {iri}\n".encode(),
                )
                return
            asked = {
                "ttl": "text/turtle",
                "jsonld": "application/ld+json",
                "html": "text/html",
            }.get(fmt or "")
            media = self._wants(["text/html", "text/turtle", "application/ld+json"], asked)
            if media == "text/turtle":
                self._send(
                    200, "text/turtle; charset=utf-8", graph.serialize(format="longturtle").encode()
                )
            elif media == "application/ld+json":
                body = graph.serialize(format="json-ld", context=PREFIXES, indent=1)
                self._send(200, "application/ld+json", body.encode())
            else:
                self._send(
                    200,
                    "text/html; charset=utf-8",
                    pages.resource_page(graph, URIRef(iri), local).encode(),
                )

    return Handler


def describe_all(store: Store) -> Graph:
    """The documents and their labels, for the index page."""
    query = f"""PREFIX pik: <{PREFIXES["pik"]}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?d a pik:Disclosure ; rdfs:label ?l }} WHERE {{ ?d a pik:Disclosure OPTIONAL {{ ?d rdfs:label ?l }} }}"""
    graph = Graph()
    graph.parse(data=_construct(store, query), format="nt")
    return graph


def server(store: Store, port: int) -> ThreadingHTTPServer:
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(store))


def run(store: Store, port: int, announce: Callable[[str], None]) -> None:
    """Serve until interrupted; a port that cannot be bound is a one-line UsageError."""
    try:
        httpd = server(store, port)
    except OSError as exc:
        raise UsageError(f"127.0.0.1:{port} cannot be served on ({exc.strerror})") from exc
    announce(f"http://127.0.0.1:{port}/ (SPARQL at /sparql)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
