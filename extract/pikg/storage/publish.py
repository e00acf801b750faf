"""``pikg publish``: push each named graph of the store to a remote store (SPARQL 1.1 Graph
Store Protocol, replace per graph, so publishing again duplicates nothing)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from pikg.storage.endpoint import Endpoint, query_url_for
from pikg.storage.store import Store


def graphs_to_publish(store: Store) -> list[ox.NamedNode]:
    return sorted(
        (g for g in store.store.named_graphs() if isinstance(g, ox.NamedNode)),
        key=lambda g: g.value,
    )


def publish(
    store: Store,
    url: str,
    progress: Callable[[str], None] = lambda _: None,
    query_url: str | None = None,
) -> int:
    """PUT every named graph; the triple count the remote store reports back."""
    remote = Endpoint(url)
    for graph in graphs_to_publish(store):
        data = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        remote.put_graph(graph.value, data.decode("utf-8"))
        progress(graph.value)
    _, rows = Endpoint(query_url or query_url_for(url)).select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    return int(rows[0]["n"] or 0)
