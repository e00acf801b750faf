"""Time of each named query over the five seeds' store (or the shipped examples'), after a
warm-up run.  usage: python bench/bench_queries.py [FOLDER] [--repeat N]"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    default = ROOT.parent / "shared" / "seeds"
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "folder", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "examples"
    )
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from pikg import extract_file
    from pikg.sparql import named, run_on_store
    from pikg.store import Store

    store = Store()
    store.load_vocabulary()
    for path in sorted(p for p in args.folder.iterdir() if p.is_file()):
        store.load_extraction(extract_file(path))
    params = json.loads((ROOT / "tests" / "queries" / "params.json").read_text(encoding="utf-8"))
    print(f"store: {store.count()} triples from {args.folder}")
    worst = 0.0
    for name, query in named().items():
        sparql = query.bind(params.get(name, {}))
        run_on_store(store, sparql)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _, rows = run_on_store(store, sparql)
            times.append((time.perf_counter() - t0) * 1000)
        worst = max(worst, max(times))
        print(
            f"{name:30} {len(rows):4} rows  median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms"
        )
    print(f"slowest single run: {worst:.1f} ms (target: under 100 ms)")


if __name__ == "__main__":
    main()
