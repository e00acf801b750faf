"""A remote SPARQL server as pikg uses it: its Graph Store and query services found from the
URL a user gives (the server's base URL, a Fuseki dataset's URL, or either service's own URL),
its triples per named graph, and queries over pikg's graphs that do not need the server to
serve the union of its graphs as the default graph.

    Oxigraph   {base}/store               {base}/query
    Fuseki     {base}/{dataset}/data      {base}/{dataset}/sparql
    Virtuoso   {base}/sparql-graph-crud   {base}/sparql
"""

from __future__ import annotations

from dataclasses import dataclass

from pikg.errors import EndpointError
from pikg.storage.endpoint import SPARQL_JSON, Auth, Endpoint

# The services' own paths, and what each one's sibling is.
_GRAPH_STORE_PATHS = {
    "/store": ("oxigraph", "/query"),
    "/sparql-graph-crud-auth": ("virtuoso", "/sparql"),
    "/sparql-graph-crud": ("virtuoso", "/sparql"),
    "/data": ("fuseki", "/sparql"),
}


@dataclass(frozen=True)
class Service:
    kind: str  # oxigraph, fuseki or virtuoso
    store_url: str  # SPARQL 1.1 Graph Store Protocol
    query_url: str  # SPARQL 1.1 Protocol


def discover(url: str, client: Endpoint) -> Service:
    """The services behind ``url``, found by asking the server; an EndpointError that says
    which URL to give when none answers."""
    base = url.rstrip("/")
    for path, (kind, query_path) in _GRAPH_STORE_PATHS.items():
        if base.endswith(path):
            root = base[: -len(path)]
            return Service(kind, base, root + query_path)
    if base.endswith("/query") and _answers_sparql(client, base) is not None:
        return Service("oxigraph", base[: -len("/query")] + "/store", base)
    if _answers_sparql(client, f"{base}/query") is not None:
        return Service("oxigraph", f"{base}/store", f"{base}/query")
    sparql = base if base.endswith("/sparql") else f"{base}/sparql"
    root = sparql[: -len("/sparql")]
    server = _answers_sparql(client, sparql)
    if server is not None:
        if "virtuoso" in server.lower():
            return Service("virtuoso", f"{root}/sparql-graph-crud", sparql)
        return Service("fuseki", f"{root}/data", sparql)
    datasets = _fuseki_datasets(client, base)
    if len(datasets) == 1:
        return Service("fuseki", f"{base}{datasets[0]}/data", f"{base}{datasets[0]}/sparql")
    if datasets:
        choices = ", ".join(f"{base}{d}" for d in datasets)
        raise EndpointError(f"{url}: a Fuseki server with several datasets; give one of {choices}")
    raise EndpointError(
        f"{url}: no SPARQL service found here; give the Graph Store URL: {base}/store (Oxigraph), "
        f"{base}/DATASET/data (Fuseki) or {base}/sparql-graph-crud (Virtuoso)"
    )


def _answers_sparql(client: Endpoint, url: str) -> str | None:
    """The Server header of ``url`` when it answers a SPARQL ASK, else None."""
    response = client.request(
        "GET",
        url,
        ok=range(400, 500),
        params={"query": "ASK {}"},
        headers={"Accept": SPARQL_JSON},
    )
    try:
        # Virtuoso answers ASK as a one-row SELECT result; either form is a SPARQL service.
        body = response.json() if response.status_code == 200 else {}
        answered = isinstance(body, dict) and ("boolean" in body or "head" in body)
    except ValueError:
        answered = False
    return response.headers.get("Server", "unknown") if answered else None


def _fuseki_datasets(client: Endpoint, base: str) -> list[str]:
    """The datasets a Fuseki server lists at /$/datasets (its administration API)."""
    response = client.request("GET", f"{base}/$/datasets", ok=range(400, 500))
    try:
        listed = response.json().get("datasets", []) if response.status_code == 200 else []
        return sorted(str(d["ds.name"]) for d in listed)
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


# The count is grouped by graph so that it stays one small answer for any number of graphs.
_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# pikg's graphs are all under its namespace; a remote store may hold others' graphs too.
PIKG_GRAPHS = "https://w3id.org/pikg/"


def remote_counts(client: Endpoint, query_url: str) -> dict[str, int]:
    """Triples per named graph in the remote store."""
    _, rows = client.select(_COUNTS, url=query_url)
    return {str(r["g"]): int(r["n"] or 0) for r in rows if r["g"] is not None}


def query(
    url: str, sparql: str, auth: Auth | None = None
) -> tuple[list[str], list[dict[str, str | None]]]:
    """Run a SELECT on the server at ``url`` over pikg's graphs there, named in the request
    as its dataset, so it gives what the embedded store's union of graphs gives."""
    client = Endpoint(url, auth=auth)
    service = discover(url, client)
    graphs = sorted(
        g for g in remote_counts(client, service.query_url) if g.startswith(PIKG_GRAPHS)
    )
    return client.select(sparql, graphs, url=service.query_url)
