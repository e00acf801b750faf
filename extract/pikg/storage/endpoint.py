"""Remote SPARQL 1.1 stores: queries (SPARQL Protocol) and graphs (Graph Store Protocol)
through one HTTP client (requests): a User-Agent naming pikg, a connect timeout apart from
the read timeout, basic or bearer authentication, retries with backoff on refused or reset
connections and on 429/5xx, and a one-line ``EndpointError`` naming the URL otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from pikg import __version__
from pikg.errors import EndpointError
from pikg.storage.values import typed

USER_AGENT = f"pikg/{__version__} (+https://w3id.org/pikg)"
CONNECT_TIMEOUT = 5.0  # seconds to accept a connection: a dead host is known quickly
READ_TIMEOUT = 60.0  # seconds for an answer: storing or counting a large graph takes a while
RETRIES = 3
BACKOFF = 0.5  # seconds before the first retry, doubled for each further one
SPARQL_JSON = "application/sparql-results+json"


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
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        (auth or Auth()).apply(self.session)

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
        form: list[tuple[str, str]] = [("query", query)]
        for graph in graphs or ():
            form += [("default-graph-uri", graph), ("named-graph-uri", graph)]
        target = url or self.url
        response = self.request("POST", target, data=form, headers={"Accept": SPARQL_JSON})
        try:
            result = response.json()
            variables = list(result["head"]["vars"])
            bindings = result["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            kind = response.headers.get("Content-Type", "no content type")
            raise EndpointError(
                f"{target}: the answer is not SPARQL JSON results ({kind}); is this the query URL?"
            ) from exc
        rows = [
            {v: typed(b[v]["value"], b[v].get("datatype")) if v in b else None for v in variables}
            for b in bindings
        ]
        return variables, rows

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
