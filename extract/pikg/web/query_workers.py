"""SPARQL queries from the web, run in worker processes that are stopped when time runs out.

pyoxigraph cannot interrupt a query, and a thread cannot be killed, so a runaway query (a
cross product, a regex over every literal) would keep a core busy after its client left.
Each query runs in one of a bounded set of processes; one that has not answered within the
timeout is killed and replaced. A worker opens the store read-only from its folder, or, for
an in-memory store, gets a copy of its quads when it starts.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Answer:
    status: int  # 200, 400 (syntax), 406 (no acceptable type), 503 (stopped or busy)
    kind: str  # "solutions", "graph" or "error"
    media_type: str
    body: bytes


@dataclass(frozen=True)
class Source:
    """Where a worker finds the store: its folder, or its quads as N-Quads."""

    path: Path | None
    quads: bytes | None


def _open(source: Source) -> ox.Store:
    if source.path is not None:
        return ox.Store.read_only(str(source.path))
    store = ox.Store()
    store.bulk_load(source.quads or b"", format=ox.RdfFormat.N_QUADS)
    return store


def evaluate(store: ox.Store, query: str, accept: list[str]) -> Answer:
    """Run one query over the union of the graphs; serialise it in the first acceptable type."""
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        return Answer(400, "error", "text/plain; charset=utf-8", f"{exc}\n".encode())
    if isinstance(result, ox.QueryTriples):
        media = next((m for m in accept if m in GRAPH_TYPES), None)
        if media is None:
            return _not_acceptable(list(GRAPH_TYPES))
        return Answer(200, "graph", media, ox.serialize(result, format=GRAPH_TYPES[media]) or b"")
    media = next((m for m in accept if m in RESULT_TYPES), None)
    if media is None:
        return _not_acceptable(list(RESULT_TYPES))
    return Answer(200, "solutions", media, result.serialize(format=RESULT_TYPES[media]) or b"")


def _not_acceptable(offered: list[str]) -> Answer:
    text = f"this result can be given as {', '.join(offered)}\n"
    return Answer(406, "error", "text/plain; charset=utf-8", text.encode())


def main(argv: list[str]) -> None:  # pragma: no cover - runs in the worker process
    """``python query_workers.py FD``: answer queries on the socket FD until it
    closes; the first message is the store's ``Source``."""
    conn = Connection(int(argv[1]))
    path, quads = conn.recv()
    store = _open(Source(Path(path) if path else None, quads))
    while True:
        try:
            query, accept = conn.recv()
        except EOFError:
            return
        answer = evaluate(store, query, accept)  # sent as a tuple: this module is __main__ here
        conn.send((answer.status, answer.kind, answer.media_type, answer.body))


class _Worker:
    """A worker process started as a module of its own (not by multiprocessing, which would
    import the caller's main module again), talking over a socket pair."""

    def __init__(self, source: Source) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            # Run as a script, so the worker imports pyoxigraph only, not the pikg package.
            [sys.executable, __file__, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send((str(source.path) if source.path else None, source.quads))

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


class QueryWorkers:
    """A bounded pool of query processes with a per-query timeout."""

    def __init__(self, source: Source, size: int, timeout: float) -> None:
        self.source = source
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self.source)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.remove(worker)
        self._idle.put(self._start())

    def run(self, query: str, accept: list[str]) -> Answer:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _stopped("every query worker is busy; try again")
        try:
            worker.conn.send((query, accept))
            if worker.conn.poll(self.timeout):
                answer = Answer(*worker.conn.recv())
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):
            pass  # the worker died (out of memory, killed): replace it below
        self._replace(worker)
        return _stopped(f"the query was stopped after {self.timeout:g} s")

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()


def _stopped(message: str) -> Answer:
    return Answer(503, "error", "text/plain; charset=utf-8", f"{message}\n".encode())


if __name__ == "__main__":
    main(sys.argv)
