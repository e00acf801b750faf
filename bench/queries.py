"""Every named query on a store, with its fixture parameters and the typical ones a reader
passes (a department, a year, a province, a city, a level, a rule code, a severity), each
timed as ``pikg query NAME --store DIR`` runs it: rows, and CPU beside wall milliseconds.

The typical values are taken from the store itself (its commonest department, province and
city, its latest year), so the figures mean the same on any generated bench store.

usage: python bench/queries.py STORE [NAME...] [--repeat N] [--target-ms 1000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from pikg.storage.sparql import named, run_on_store
from pikg.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """PREFIX pik: <https://w3id.org/pikg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def commonest(store: Store, pattern: str) -> str:
    """The ?v that the most documents ?doc have by ``pattern``."""
    sparql = f"""{PREFIXES}SELECT ?v (COUNT(DISTINCT ?doc) AS ?n) WHERE {{ {pattern} }}
    GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT 1"""
    return str(next(iter(store.query(sparql)))["v"].value)


def cases(store: Store) -> list[tuple[str, dict[str, str]]]:
    """(query, parameters) pairs: the fixture's, then the typical ones."""
    fixture: dict[str, dict[str, str]] = json.loads(
        (ROOT / "tests" / "queries" / "params.json").read_text(encoding="utf-8")
    )
    department = commonest(store, "?doc pik:department/rdfs:label ?v")
    year = commonest(store, "?doc pik:budgetYear ?v")
    org_region = "?doc pik:department/pik:region"
    city, province = (
        commonest(
            store, f"{org_region}/pik:withinRegion* ?r . ?r pik:adminLevel {level} ; rdfs:label ?v"
        )
        for level in ("pik:Prefecture", "pik:Province")
    )
    typical: list[tuple[str, dict[str, str]]] = [
        ("projects-rows", {"department": department, "year": year}),
        ("projects-rows", {"department": department}),
        ("satisfaction-floors", {}),
        ("satisfaction-floors", {"region": province}),
        ("satisfaction-floors", {"region": city}),
        ("satisfaction-floors", {"region": province, "year": year}),
        ("indicator-by-name", {"name": "完成率"}),
        ("indicator-by-concept", {"level2": "数量指标"}),
        ("findings-by-severity", {"severity": "Warning"}),
        ("findings-by-severity", {"severity": "Info"}),
        ("targets-by-level-comparator", {"level1": "满意度"}),
    ]
    return [(name, fixture.get(name, {})) for name in named()] + typical


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("only", nargs="*", help="only these queries")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the best is shown")
    parser.add_argument("--target-ms", type=float, default=1000.0)
    args = parser.parse_args()
    store = Store(args.store, read_only=True)  # as `pikg query --store` opens it
    documents = len(
        list(
            store.query(
                "SELECT DISTINCT ?d WHERE { ?d a <https://w3id.org/pikg/ontology#Disclosure> }"
            )
        )
    )
    print(f"{args.store}: {documents} documents")
    slowest = (0.0, "")
    for name, params in cases(store):
        if args.only and name not in args.only:
            continue
        sparql = named()[name].bind(params)
        best = (float("inf"), float("inf"), 0)
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            _, rows = run_on_store(store, sparql)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            best = min(best, (cpu * 1000, wall * 1000, len(rows)))
        cpu_ms, wall_ms, n = best
        shown = " ".join(f"{k}={v}" for k, v in params.items())
        over = "  OVER" if cpu_ms > args.target_ms else ""
        print(
            f"  {name:28} {shown:34} {n:7} rows  CPU {cpu_ms:8.1f} ms  wall {wall_ms:8.1f} ms{over}",
            flush=True,
        )
        slowest = max(slowest, (cpu_ms, f"{name} {shown}".strip()))
    print(f"slowest: {slowest[1]}, {slowest[0]:.1f} ms CPU (target < {args.target_ms:.0f} ms)")


if __name__ == "__main__":
    main()
