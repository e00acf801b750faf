"""pikg's timing figures, one section per target, over the five seeds (or, without ../shared,
the shipped examples). Start-up (imports, jieba's dictionary, the ontology) is paid once by a
warm-up pass and reported apart.

usage: python bench/bench.py [FOLDER] [--repeat N]
targets: extract < 2 s; load + count < 2 s; validate < 3 s; each query < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, max) seconds of `repeat` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> None:
    default = ROOT.parent / "shared" / "seeds"
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "folder", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "examples"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = sorted(p for p in args.folder.iterdir() if p.is_file())

    t0 = time.perf_counter()
    from pikg import extract_file
    from pikg.checking.validate import validate
    from pikg.graph.mapping import map_extractions, triples
    from pikg.storage.sparql import named, run_on_store
    from pikg.storage.store import Store

    results = [extract_file(p) for p in paths]
    print(f"{len(paths)} documents in {args.folder}, {sum(len(r.rows) for r in results)} rows")
    print(f"start-up and a first extraction: {time.perf_counter() - t0:.3f} s")

    median, worst = timed(lambda: [extract_file(p) for p in paths], args.repeat)
    print(f"extract all: median {median:.3f} s, max {worst:.3f} s (target < 2 s)")

    for findings in (False, True):

        def load(findings: bool = findings) -> int:
            with tempfile.TemporaryDirectory() as tmp:
                store = Store(tmp)
                for path in paths:
                    store.load_extraction(extract_file(path), findings=findings)
                return store.count()

        median, worst = timed(load, args.repeat)
        what = (
            "extract + map + validate + load + count"
            if findings
            else "extract + map + load + count"
        )
        print(f"{what}: median {median:.3f} s, max {worst:.3f} s (target < 2 s)")

    graph = triples(map_extractions(results))
    validate(graph)  # loads the shapes and the ontology
    median, worst = timed(lambda: validate(graph), args.repeat)
    print(f"validate {len(graph)} triples: median {median:.3f} s, max {worst:.3f} s (target < 3 s)")

    store = Store()
    store.load_vocabulary()
    for result in results:
        store.load_extraction(result)
    params = json.loads((ROOT / "tests" / "queries" / "params.json").read_text(encoding="utf-8"))
    slowest = 0.0
    for name, query in named().items():
        sparql = query.bind(params.get(name, {}))
        run_on_store(store, sparql)
        median, worst = timed(partial(run_on_store, store, sparql), args.repeat * 4)
        slowest = max(slowest, worst)
        print(f"  query {name:30} median {median * 1000:5.1f} ms, max {worst * 1000:5.1f} ms")
    print(f"slowest query run: {slowest * 1000:.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
