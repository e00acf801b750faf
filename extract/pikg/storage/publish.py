"""``pikg publish``: push each named graph of the store to a remote store (SPARQL 1.1 Graph
Store Protocol, replace per graph, so publishing again duplicates nothing), optionally remove
the remote pikg graphs the store no longer has, and count what the remote store holds of the
graphs published."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from pikg.errors import EndpointError
from pikg.storage.endpoint import CONNECT_TIMEOUT, READ_TIMEOUT, Auth, Endpoint
from pikg.storage.remote import PIKG_GRAPHS, Service, discover, remote_counts
from pikg.storage.store import Store


@dataclass
class Published:
    service: Service
    graphs: list[str] = field(default_factory=list)  # stored, in this order
    triples: int = 0  # sent
    pruned: list[str] = field(default_factory=list)
    remote_triples: int = 0  # the remote store's count for exactly the graphs published


class PublishError(EndpointError):
    """A publication that stopped part-way; ``published`` says how far it got."""

    def __init__(self, message: str, published: Published) -> None:
        super().__init__(message)
        self.published = published


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
    prune: bool = False,
    auth: Auth | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
) -> Published:
    """PUT every named graph to the server at ``url`` (a base URL or a Graph Store URL)."""
    client = Endpoint(url, read_timeout, connect_timeout=connect_timeout, auth=auth)
    service = discover(url, client) if query_url is None else Service("given", url, query_url)
    done = Published(service)
    client.url = service.store_url
    graphs = graphs_to_publish(store)
    for graph in graphs:
        data = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        try:
            client.put_graph(graph.value, data.decode("utf-8"))
        except EndpointError as exc:
            last = f", the last {done.graphs[-1]}" if done.graphs else ""
            raise PublishError(
                f"{exc} — {len(done.graphs)} of {len(graphs)} graphs were published{last}; "
                f"{graph.value} and the {len(graphs) - len(done.graphs) - 1} after it were not",
                done,
            ) from exc
        done.graphs.append(graph.value)
        done.triples += data.count(b"\n")
        progress(graph.value)
    counts = remote_counts(client, service.query_url)
    if prune:
        local = set(done.graphs)
        for stale in sorted(g for g in counts if g.startswith(PIKG_GRAPHS) and g not in local):
            client.delete_graph(stale)
            done.pruned.append(stale)
    done.remote_triples = sum(counts.get(g, 0) for g in done.graphs)
    return done
