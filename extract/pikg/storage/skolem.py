"""Blank nodes in loaded RDF replaced by stable IRIs (RDF 1.1 §3.5 skolemisation), so loading
the same file again gives the same statements instead of a second copy under fresh labels."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

GENID = "https://w3id.org/pikg/.well-known/genid/"


def skolemise(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with every blank node named from the canonical form of the whole input:
    the same statements give the same names, whatever labels the file used."""
    quads = list(quads)
    if not any(_blank(q.subject) or _blank(q.object) or _blank(q.graph_name) for q in quads):
        return quads
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    canonical = sorted(str(q) for q in dataset)
    # The names carry a digest of the whole canonical input, so blank nodes of two different
    # files never share a name.
    digest = hashlib.sha256("\n".join(canonical).encode("utf-8")).hexdigest()[:16]

    def name(term: ox.BlankNode) -> ox.NamedNode:
        return ox.NamedNode(f"{GENID}{digest}/{term.value}")

    out = []
    for q in dataset:
        subject = name(q.subject) if isinstance(q.subject, ox.BlankNode) else q.subject
        obj = name(q.object) if isinstance(q.object, ox.BlankNode) else q.object
        graph = name(q.graph_name) if isinstance(q.graph_name, ox.BlankNode) else q.graph_name
        out.append(ox.Quad(subject, q.predicate, obj, graph))
    return sorted(out, key=str)


def _blank(term: object) -> bool:
    return isinstance(term, ox.BlankNode)
