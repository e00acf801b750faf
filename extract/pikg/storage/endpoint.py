"""Remote SPARQL 1.1 endpoints: queries through SPARQLWrapper, graphs through the Graph Store
Protocol. One client for both: a User-Agent naming pikg, a timeout, retries on 429 and 5xx,
and a one-line error when the endpoint cannot be reached."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from pikg import __version__
from pikg.errors import EndpointError
from pikg.storage.values import typed

USER_AGENT = f"pikg/{__version__} (+https://w3id.org/pikg)"
T = TypeVar("T")


class Endpoint:
    def __init__(
        self, url: str, timeout: float = 30.0, retries: int = 3, backoff: float = 0.5
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def _with_retries(self, action: Callable[[], T]) -> T:
        for attempt in range(self.retries + 1):
            try:
                return action()
            except urllib.error.HTTPError as exc:
                if (exc.code == 429 or exc.code >= 500) and attempt < self.retries:
                    time.sleep(self.backoff * 2**attempt)
                    continue
                raise EndpointError(f"{self.url}: HTTP {exc.code} {exc.reason}") from exc
            except SPARQLWrapperException as exc:
                transient = "500" in str(exc) or "503" in str(exc) or "429" in str(exc)
                if transient and attempt < self.retries:
                    time.sleep(self.backoff * 2**attempt)
                    continue
                raise EndpointError(f"{self.url}: {str(exc).splitlines()[0]}") from exc
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                raise EndpointError(f"{self.url}: cannot reach the endpoint ({reason})") from exc
        raise AssertionError("unreachable")

    def select(self, query: str) -> tuple[list[str], list[dict[str, Any]]]:
        """Run a SELECT; the variables and one dict per solution (values typed)."""

        def run() -> Any:
            client = SPARQLWrapper(self.url, agent=USER_AGENT)
            client.setQuery(query)
            client.setMethod(POST)
            client.setReturnFormat(JSON)
            client.setTimeout(int(self.timeout))
            return client.queryAndConvert()

        result = self._with_retries(run)
        variables = result["head"]["vars"]
        rows = [
            {v: typed(b[v]["value"], b[v].get("datatype")) if v in b else None for v in variables}
            for b in result["results"]["bindings"]
        ]
        return variables, rows

    def put_graph(self, graph: str, ntriples: str) -> None:
        """Replace one named graph (SPARQL 1.1 Graph Store Protocol, HTTP PUT)."""
        target = f"{self.url}?{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(
            target,
            data=ntriples.encode("utf-8"),
            method="PUT",
            headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
        )

        def run() -> None:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()

        self._with_retries(run)


def query_url_for(store_url: str) -> str:
    """The SPARQL query service beside a Graph Store Protocol service (Oxigraph: /store → /query)."""
    return (
        store_url[: -len("/store")] + "/query"
        if store_url.rstrip("/").endswith("/store")
        else store_url
    )
