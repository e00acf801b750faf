"""``pikg serve`` under load on 127.0.0.1: 500 clients at once, then a runaway query.

The store holds the seeds (or, without ../shared, the shipped examples) on disk, served by
``pikg serve`` in its own process with the default limits. Each round starts 500 requests together (a barrier), a mix of the index,
a document page, its Turtle and a SPARQL query; the figures are errors, p50, p99 and the
slowest. Then a cross-product query must be stopped by the query timeout, and the server must
answer again after it. Traffic goes only to 127.0.0.1; rounds and requests are bounded.

usage: python bench/serve.py [FOLDER] [--clients 500] [--rounds 2]
targets: errors 0; runaway stopped at the timeout (10 s).
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/pikg/ontology#IndicatorTarget> }"


def request(port: int, path: str, accept: str, timeout: float = 120) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    except OSError:
        return 0, time.perf_counter() - start
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    default = ROOT.parent / "shared" / "seeds"
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "folder", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "examples"
    )
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from pikg import extract_file
    from pikg.graph import iris
    from pikg.storage.store import Store
    from pikg.web.serve import Limits, local

    limits = Limits()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "kg")
        store.load_vocabulary()
        paths = sorted(p for p in args.folder.iterdir() if p.is_file())
        results = [extract_file(p) for p in paths]
        for result in results:
            store.load_extraction(result)
        store.flush()
        print(f"{len(paths)} documents from {args.folder}, {store.count()} triples")
        del store  # release the store's lock for the server
        doc = local(iris.disclosure(results[0], results[0].digest))
        mix = [
            ("/", "text/html"),
            (doc, "text/html"),
            (doc, "text/turtle"),
            (f"/sparql?query={urllib.parse.quote(COUNT)}", "application/sparql-results+json"),
        ]
        # The real command in its own process, as a user runs it.
        port = free_port()
        command = [sys.executable, "-m", "pikg", "serve", "--store", str(Path(tmp) / "kg")]
        served = subprocess.Popen(
            [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 120
            while request(port, "/", "text/html", timeout=5)[0] != 200:
                if time.monotonic() > deadline or served.poll() is not None:
                    raise SystemExit("pikg serve did not start")
                time.sleep(0.5)
            latencies: list[float] = []
            errors = 0
            failed: dict[str, int] = {}  # "status path" of each request that failed
            for _ in range(args.rounds):
                barrier = threading.Barrier(args.clients, timeout=60)

                def one(i: int, barrier: threading.Barrier = barrier) -> tuple[int, float]:
                    barrier.wait()
                    return request(port, *mix[i % len(mix)])

                with ThreadPoolExecutor(args.clients) as pool:
                    answers = list(pool.map(one, range(args.clients)))
                for i, (status, _) in enumerate(answers):
                    if status != 200:
                        errors += 1
                        key = f"{status or 'no answer'} {mix[i % len(mix)][0][:20]}"
                        failed[key] = failed.get(key, 0) + 1
                latencies += [t for _, t in answers]
            latencies.sort()
            p99 = latencies[int(0.99 * (len(latencies) - 1))]
            print(
                f"{len(latencies)} requests, {args.clients} at once: errors {errors}, "
                f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
                f"max {latencies[-1] * 1000:.0f} ms (target: errors 0)"
                + (f"; failed: {failed}" if failed else "")
            )
            status, took = request(port, f"/sparql?query={urllib.parse.quote(RUNAWAY)}", "text/csv")
            print(
                f"runaway query: HTTP {status} after {took:.1f} s "
                f"(timeout {limits.query_timeout:g} s; 503 = stopped)"
            )
            status, took = request(port, f"/sparql?query={urllib.parse.quote(COUNT)}", "text/csv")
            print(f"next query: HTTP {status} in {took * 1000:.0f} ms")
        finally:
            served.terminate()
            served.wait(timeout=30)


if __name__ == "__main__":
    main()
