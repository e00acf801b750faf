"""Every RDF syntax pikg reads and writes, registered once (as rdflib's plugin table does)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfSyntax:
    key: str  # the name on the command line (`--format ttl`)
    rdflib: str  # rdflib's parser/serializer plugin
    oxigraph: ox.RdfFormat
    media_type: str
    extension: str
    quads: bool  # pikg writes one named graph per document in it


SYNTAXES: dict[str, RdfSyntax] = {
    s.key: s
    for s in (
        RdfSyntax("ttl", "turtle", ox.RdfFormat.TURTLE, "text/turtle", "ttl", False),
        RdfSyntax("nt", "nt", ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt", False),
        RdfSyntax("nq", "nquads", ox.RdfFormat.N_QUADS, "application/n-quads", "nq", True),
        RdfSyntax("trig", "trig", ox.RdfFormat.TRIG, "application/trig", "trig", True),
        RdfSyntax(
            "jsonld", "json-ld", ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld", False
        ),
        RdfSyntax("rdf", "xml", ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf", False),
    )
}


def syntax(key: str) -> RdfSyntax:
    try:
        return SYNTAXES[key]
    except KeyError:
        from pikg.errors import UsageError

        raise UsageError(f"unknown RDF format {key!r}: one of {', '.join(SYNTAXES)}") from None


_NQUAD = re.compile(r"^\s*(?:<[^>]*>|_:\S+)\s+<[^>]*>\s+.+\s+(?:<[^>]*>|_:\S+)\s*\.\s*$")
_JSONLD_KEY = re.compile(r'"@(?:context|id|graph|type)"\s*:')
_NTRIPLE = re.compile(r"^\s*(?:<[^>]*>|_:\S+)\s+<[^>]*>\s+.+\.\s*$")


def sniff_rdf(text: str) -> str | None:
    """The RDF syntax a text is in, from its content, or None when it is not RDF."""
    body = text.lstrip()
    head = body[:4000]
    if head.startswith(("{", "[")):
        # JSON is RDF only as JSON-LD: JSON Lines of rows or findings are not
        return "jsonld" if _JSONLD_KEY.search(head) else None
    lines = [ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(body) > len(head):
        lines = lines[:-1]  # the window may end inside a line
    if lines and all(_NTRIPLE.match(ln) for ln in lines[:20]):
        return "nq" if any(_NQUAD.match(ln) for ln in lines[:20]) else "nt"
    if re.search(r"^\s*(?:@prefix|PREFIX|@base|BASE)\b", head, re.MULTILINE | re.IGNORECASE):
        graph_block = re.search(r"(?:^|\s)(?:GRAPH\s+)?(?:<[^>]*>|\w*:\S*)\s*\{", head)
        return "trig" if graph_block else "ttl"
    return None
