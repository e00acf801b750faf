"""Remote SPARQL 1.1 stores through one client: queries with SPARQLWrapper (SPARQL Protocol),
graphs with requests (Graph Store Protocol, which SPARQLWrapper does not speak). Both send a
User-Agent naming pikg and the same credentials (basic or bearer), retry with backoff on
refused or reset connections and on 429/5xx, and fail with a one-line ``EndpointError``
naming the URL. Graph transfers keep a connect timeout apart from the read timeout."""

from __future__ import annotations

import time
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from pikg import __version__
from pikg.errors import EndpointError
from pikg.storage.values import typed

SPARQL_JSON = "application/sparql-results+json"
USER_AGENT = f"pikg/{__version__} (+https://w3id.org/pikg)"
CONNECT_TIMEOUT = 5.0  # seconds to accept a connection: a dead host is known quickly
READ_TIMEOUT = 60.0  # seconds for an answer: storing or counting a large graph takes a while
RETRIES = 3
BACKOFF = 0.5  # seconds before the first retry, doubled for each further one


@dataclass(frozen=True)
class Auth:
    """Credentials for a store that needs them: a user and password (HTTP basic) or a token
    (HTTP bearer)."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def apply(self, session: requests.Session) -> None:
        if self.token:
            session.headers["Authorization"] = f"Bearer {self.token}"
        elif self.user is not None:
            session.auth = (self.user, self.password or "")

    def apply_to_query(self, client: SPARQLWrapper) -> None:
        if self.token:
            client.addCustomHttpHeader("Authorization", f"Bearer {self.token}")
        elif self.user is not None:
            client.setCredentials(self.user, self.password or "")


class Endpoint:
    def __init__(
        self,
        url: str,
        timeout: float = READ_TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        connect_timeout: float = CONNECT_TIMEOUT,
        auth: Auth | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retries = retries
        self.backoff = backoff
        self.auth = auth or Auth()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.auth.apply(self.session)

    def request(
        self, method: str, url: str | None = None, ok: Sequence[int] = (), **kwargs: Any
    ) -> requests.Response:
        """One HTTP request with retries; an error status not in ``ok`` is an EndpointError."""
        target = url or self.url

        def send() -> requests.Response:
            return self.session.request(
                method, target, timeout=(self.connect_timeout, self.timeout), **kwargs
            )

        response = self._with_retries(send, target)
        if response.status_code >= 400 and response.status_code not in ok:
            raise EndpointError(f"{target}: HTTP {response.status_code} {response.reason}")
        return response

    def _with_retries(
        self, send: Callable[[], requests.Response], target: str
    ) -> requests.Response:
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = send()
            except requests.exceptions.ConnectTimeout as exc:
                if last:
                    raise EndpointError(
                        f"{target}: cannot reach the endpoint (no connection within {self.connect_timeout:g} s)"
                    ) from exc
            except requests.exceptions.ReadTimeout as exc:
                # Not retried: the server is alive but slow, and would be slow again.
                raise EndpointError(
                    f"{target}: no answer within {self.timeout:g} s (the read timeout)"
                ) from exc
            except requests.exceptions.ConnectionError as exc:
                if last:
                    reason = str(exc.args[0] if exc.args else exc).splitlines()[0]
                    raise EndpointError(f"{target}: cannot reach the endpoint ({reason})") from exc
            except requests.exceptions.RequestException as exc:
                raise EndpointError(f"{target}: {str(exc).splitlines()[0]}") from exc
            else:
                if (response.status_code == 429 or response.status_code >= 500) and not last:
                    response.close()
                else:
                    return response
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def select(
        self, query: str, graphs: Sequence[str] | None = None, url: str | None = None
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """Run a SELECT; the variables and one dict per solution (values as strings).

        ``graphs`` names the dataset of the query (SPARQL Protocol `default-graph-uri` and
        `named-graph-uri`): their merge is the default graph, so queries written for a union
        default graph work on a store that keeps its default graph apart (Oxigraph's default).
        ``url`` is the query service when this client's own URL is another service's.
        """
        target = url or self.url
        client = SPARQLWrapper(target, agent=USER_AGENT)
        client.setQuery(query)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(int(max(1, self.timeout)))
        for graph in graphs or ():
            client.addDefaultGraph(graph)
            client.addNamedGraph(graph)
        self.auth.apply_to_query(client)
        result = self._query_with_retries(client, target)
        try:
            variables = list(result["head"]["vars"])
            bindings = result["results"]["bindings"]
        except (KeyError, TypeError) as exc:
            raise EndpointError(
                f"{target}: the answer is not SPARQL JSON results; is this the query URL?"
            ) from exc
        rows = [
            {v: typed(b[v]["value"], b[v].get("datatype")) if v in b else None for v in variables}
            for b in bindings
        ]
        return variables, rows

    def _query_with_retries(self, client: SPARQLWrapper, target: str) -> Any:
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                return client.queryAndConvert()
            except urllib.error.HTTPError as exc:
                if (exc.code == 429 or exc.code >= 500) and not last:
                    pass
                else:
                    raise EndpointError(f"{target}: HTTP {exc.code} {exc.reason}") from exc
            except SPARQLWrapperException as exc:
                first = str(exc).splitlines()[0]
                if not (any(code in first for code in ("500", "503", "429")) and not last):
                    raise EndpointError(f"{target}: {first}") from exc
            except TimeoutError as exc:
                raise EndpointError(
                    f"{target}: no answer within {self.timeout:g} s (the read timeout)"
                ) from exc
            except (urllib.error.URLError, ConnectionError) as exc:
                if last:
                    reason = getattr(exc, "reason", exc)
                    raise EndpointError(f"{target}: cannot reach the endpoint ({reason})") from exc
            except ValueError as exc:  # the answer was not JSON
                raise EndpointError(
                    f"{target}: the answer is not SPARQL JSON results; is this the query URL?"
                ) from exc
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def put_graph(self, graph: str, ntriples: str) -> None:
        """Replace one named graph (SPARQL 1.1 Graph Store Protocol, HTTP PUT)."""
        self.request(
            "PUT",
            params={"graph": graph},
            data=ntriples.encode("utf-8"),
            headers={"Content-Type": "application/n-triples"},
        )

    def delete_graph(self, graph: str) -> None:
        """Remove one named graph; one that is already gone is fine."""
        self.request("DELETE", params={"graph": graph}, ok=(404,))
