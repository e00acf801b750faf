"""A real SPARQL server on 127.0.0.1 (the oxigraph server from PyPI): publishing and remote
queries give what the embedded store gives. The client's retries, User-Agent and errors are
checked against small HTTP servers of the test's own."""

from __future__ import annotations

import json
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from pikg import extract_file
from pikg.cli import app
from pikg.errors import EndpointError
from pikg.storage.endpoint import Auth, Endpoint
from pikg.storage.publish import Published, PublishError, graphs_to_publish, publish
from pikg.storage.remote import query as remote_query
from pikg.storage.remote import remote_counts
from pikg.storage.sparql import named, render, run_on_store
from pikg.storage.store import Store

from .conftest import EXAMPLES, SHARED

HERE = Path(__file__).resolve().parent
PARAMS: dict[str, dict[str, str]] = json.loads(
    (HERE / "queries" / "params.json").read_text(encoding="utf-8")
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [
            exe,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],  # default options: the default graph is its own graph, not the union
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(
                    f"oxigraph did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def local() -> Store:
    """The examples, and the seeds where ../shared is present, with findings and vocabulary."""
    store = Store()
    store.load_vocabulary()
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted((HERE / "flawed").glob("*.txt"))
    if (SHARED / "seeds").is_dir():
        paths += sorted((SHARED / "seeds").glob("*.txt"))
    for path in paths:
        store.load_extraction(extract_file(path))
    return store


def _all_triples(store: Store) -> int:
    [row] = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    count = row["n"]
    assert count is not None
    return int(count.value)


@pytest.fixture(scope="module")
def published(oxigraph: str, local: Store) -> Published:
    return publish(local, oxigraph)


def test_issue16_publish_to_the_base_url_twice_leaves_the_same_count(
    oxigraph: str, local: Store, published: Published
) -> None:
    first = published
    second = publish(local, oxigraph)
    assert first.service.store_url == f"{oxigraph}/store"
    assert first.service.query_url == f"{oxigraph}/query"
    assert first.graphs == second.graphs == [g.value for g in graphs_to_publish(local)]
    # The count is of the published graphs, and it is what the embedded store holds.
    assert first.remote_triples == second.remote_triples == first.triples == _all_triples(local)
    assert first.triples > 0


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_endpoint_answers_like_the_embedded_store(
    oxigraph: str, local: Store, published: Published, name: str
) -> None:
    query = named()[name].bind(PARAMS[name])
    here = run_on_store(local, query)
    there = remote_query(oxigraph, query)
    assert here[0] == there[0]
    assert sorted(render(*here, "csv").splitlines()) == sorted(render(*there, "csv").splitlines())
    assert len(here[1]) > 0


def test_issue15_prune_removes_only_stale_pikg_graphs(oxigraph: str, local: Store) -> None:
    client = Endpoint(f"{oxigraph}/store")
    stale = "https://w3id.org/pikg/id/org/cn/gone/2020/budget/000000000000/graph"
    foreign = "https://example.org/someone-elses/graph"
    for graph in (stale, foreign):
        client.put_graph(graph, '<https://example.org/s> <https://example.org/p> "o" .\n')
    kept = publish(local, oxigraph)
    assert kept.pruned == [] and stale in remote_counts(client, f"{oxigraph}/query")
    done = publish(local, oxigraph, prune=True)
    assert done.pruned == [stale]
    remaining = remote_counts(client, f"{oxigraph}/query")
    assert stale not in remaining and foreign in remaining
    assert done.remote_triples == _all_triples(local)


def test_issue16_a_url_with_no_sparql_service_says_which_url_to_give(oxigraph: str) -> None:
    with pytest.raises(EndpointError) as info:
        publish(Store(), f"{oxigraph}/nothing-here")
    message = str(info.value)
    assert f"give the Graph Store URL: {oxigraph}/nothing-here/store (Oxigraph)" in message
    assert "\n" not in message


# ---- the client against servers that misbehave on purpose ----------------------------------

RESULT = json.dumps(
    {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}
)


def _stub(failures: list[int]) -> tuple[ThreadingHTTPServer, list[str]]:
    """A server that answers the given error codes first, then a SPARQL result; it records
    the User-Agent of every request."""
    agents: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_POST(self) -> None:
            agents.append(self.headers.get("User-Agent", ""))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if failures:
                self.send_response(failures.pop(0))
                self.end_headers()
                return
            body = RESULT.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, agents


@pytest.mark.parametrize("code", [429, 500, 503])
def test_client_retries_on_429_and_5xx_and_names_itself(code: int) -> None:
    httpd, agents = _stub([code, code])
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
        variables, rows = Endpoint(url, backoff=0.01).select("SELECT ?n WHERE {}")
    finally:
        httpd.shutdown()
    assert (variables, rows) == (["n"], [{"n": "7"}])
    assert len(agents) == 3 and all(a.startswith("pikg/") for a in agents)


def test_client_gives_up_with_one_line() -> None:
    httpd, _ = _stub([503] * 10)
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
        with pytest.raises(EndpointError, match=r"HTTP 503") as info:
            Endpoint(url, retries=2, backoff=0.01).select("SELECT ?n WHERE {}")
    finally:
        httpd.shutdown()
    assert "\n" not in str(info.value)


def test_unreachable_endpoint_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{_free_port()}/sparql"
    with pytest.raises(EndpointError, match="cannot reach the endpoint"):
        Endpoint(url, timeout=2).select("SELECT * WHERE { ?s ?p ?o }")


# ---- issue 15, defect 7: faults while publishing ----------------------------------------------


class _GraphStore(BaseHTTPRequestHandler):
    """A Graph Store whose behaviour each test sets on the class: reset the first
    connections, refuse PUTs after some, answer slowly; it records what it was sent."""

    resets = 0
    accept = 1000
    delay = 0.0
    seen: ClassVar[list[tuple[str, str, str]]] = []

    def log_message(self, format: str, *args: object) -> None:
        return

    def _reset(self) -> bool:
        cls = type(self)
        if cls.resets > 0:
            cls.resets -= 1
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return True
        return False

    def do_PUT(self) -> None:
        if self._reset():
            return
        time.sleep(type(self).delay)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        cls = type(self)
        cls.seen.append(("PUT", self.path, self.headers.get("Authorization", "")))
        code = 204 if cls.accept > 0 else 400
        cls.accept -= 1
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def graph_store() -> Iterator[tuple[str, type[_GraphStore]]]:
    handler = type("Handler", (_GraphStore,), {"seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()


def _two_documents() -> Store:
    store = Store()
    for path in sorted(EXAMPLES.glob("*.txt"))[:2]:
        store.load_extraction(extract_file(path), findings=False)
    return store


def test_issue15_reset_connections_are_retried(graph_store: tuple[str, type[_GraphStore]]) -> None:
    url, handler = graph_store
    handler.resets = 2
    client = Endpoint(f"{url}/store", backoff=0.01)
    client.put_graph("https://w3id.org/pikg/id/g", '<https://e.org/s> <https://e.org/p> "o" .\n')
    assert [method for method, _, _ in handler.seen] == ["PUT"] and handler.resets == 0


def test_issue15_a_failure_part_way_says_which_graphs_were_published(
    graph_store: tuple[str, type[_GraphStore]],
) -> None:
    url, handler = graph_store
    handler.accept = 1
    store = _two_documents()
    graphs = [g.value for g in graphs_to_publish(store)]
    with pytest.raises(PublishError) as info:
        publish(store, f"{url}/store", query_url=f"{url}/query")
    message = str(info.value)
    assert info.value.published.graphs == graphs[:1]
    assert f"1 of {len(graphs)} graphs were published, the last {graphs[0]}" in message
    assert f"{graphs[1]} and the {len(graphs) - 2} after it were not" in message
    assert "HTTP 400" in message and "\n" not in message


def test_issue15_the_read_timeout_is_apart_from_the_connect_timeout(
    graph_store: tuple[str, type[_GraphStore]],
) -> None:
    url, handler = graph_store
    handler.delay = 2.0
    client = Endpoint(f"{url}/store", timeout=0.3, connect_timeout=10)
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"no answer within 0\.3 s \(the read timeout\)"):
        client.put_graph("https://w3id.org/pikg/id/g", "")
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    ("auth", "header"),
    [
        (Auth(user="pikg", password="s3cret"), "Basic cGlrZzpzM2NyZXQ="),
        (Auth(token="t0ken"), "Bearer t0ken"),
    ],
)
def test_issue15_publish_authenticates(
    graph_store: tuple[str, type[_GraphStore]], auth: Auth, header: str
) -> None:
    url, handler = graph_store
    store = _two_documents()
    done = publish(store, f"{url}/store", query_url=f"{url}/query", auth=auth)
    assert len(done.graphs) == len(handler.seen) == len(graphs_to_publish(store)) >= 2
    assert {h for _, _, h in handler.seen} == {header}


def test_issue16_the_publish_command_with_a_base_url(oxigraph: str, tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    loaded = runner.invoke(app, ["load", str(EXAMPLES), "--store", store, "--jobs", "1"])
    assert loaded.exit_code == 0, loaded.output
    outputs = [
        runner.invoke(app, ["publish", "--store", store, "--endpoint", oxigraph]) for _ in range(2)
    ]
    assert [o.exit_code for o in outputs] == [0, 0]
    assert outputs[0].stdout == outputs[1].stdout
    sent, held = re.findall(r"\((\d+) triples\).*holds (\d+) triples", outputs[0].stdout)[0]
    assert sent == held and int(sent) > 0
    assert f"to {oxigraph}/store" in outputs[0].stdout
