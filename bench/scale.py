"""Scale figures (issue 12): batches of N generated documents through extract, check and load
with --jobs 1 and 2, the two validation engines, a 1M-triple compiled validation, the named
queries on the biggest store, and --dask local against --jobs 2.

The documents are made from the shipped examples with other regions (from pikg's own region
table), departments, years and numbers, so shared departments and regions recur the way they
do in a real year. Each command runs as a subprocess, timed, with the peak resident memory of
its whole process tree (workers included) sampled.

usage: python bench/scale.py [--sizes 10,20,100,200] [--big 10000] [--jobs 1,2] [--out DIR]
       [--reference-every 20] [--million STORE DOCS]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pikg.checking.validate import Finding
    from pikg.model import DocumentFacts
    from pikg.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
PIKG = [sys.executable, "-m", "pikg"]


def city_names() -> list[tuple[str, str]]:
    """(province, city) names of prefecture-level cities, from pikg's region table."""
    names: dict[str, str] = {}
    for line in (
        (ROOT / "extract" / "pikg" / "data" / "regions.tsv").read_text("utf-8").splitlines()
    ):
        if line.startswith("#") or "\t" not in line:
            continue
        code, name = line.split("\t")[:2]
        names[code] = name
    return sorted(
        (names.get(code[:2] + "0000", ""), name)
        for code, name in names.items()
        if code.endswith("00") and not code.endswith("0000") and name.endswith("市")
    )


def examples() -> list[tuple[str, str, DocumentFacts]]:
    """(stem, text, facts) of each shipped example: what ``variant`` rewrites."""
    from pikg import extract_file
    from pikg.reading.decode import decode

    return [
        (path.stem, decode(path.read_bytes(), str(path)), extract_file(path).facts)
        for path in sorted((ROOT / "examples").glob("*.txt"))
    ]


def generate(n: int, folder: Path, seed: int = 12) -> list[Path]:
    """n documents from the examples: region, department, year and numbers varied."""
    rng = random.Random(seed)
    cities = city_names()
    bases = examples()
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    seen: set[str] = set()
    for i in range(n):
        text = variant(bases[i % len(bases)], cities, rng)
        while text in seen:  # two draws alike would be one document in the store
            text = variant(bases[i % len(bases)], cities, rng)
        seen.add(text)
        path = folder / f"{i:05d}_{bases[i % len(bases)][0]}.txt"
        path.write_text(text, encoding="utf-8")
        made.append(path)
    return made


def variant(
    base: tuple[str, str, DocumentFacts], cities: list[tuple[str, str]], rng: random.Random
) -> str:
    """One document from an example: another city, year and numbers."""
    _, text, facts = base
    province, city = cities[rng.randrange(len(cities))]
    year = rng.randrange(2019, 2027)
    if len(facts.region) >= 2:
        text = text.replace(facts.region[1], city).replace(facts.region[1][:-1], city[:-1])
        text = text.replace(facts.region[0], province)
    if facts.year:
        text = text.replace(str(facts.year), str(year))
    factor = 1 + rng.randrange(1, 40) / 100

    def vary(match: re.Match[str], factor: float = factor, year: int = year) -> str:
        value = int(match.group(0))
        return str(max(1, round(value * factor))) if value != year else match.group(0)

    # quantities and amounts, not dates: a number before 年, 月 or 日 stays
    return re.sub(r"(?<![\d.月])\d{2,5}(?![\d.年月日])", vary, text)


@dataclass(frozen=True)
class Ran:
    seconds: float  # wall clock
    cpu: float  # user + system seconds of the command and its workers
    peak: float  # MB resident, the whole process tree at its largest


def run(args: list[str], stdout: Path | None = None) -> Ran:
    """Wall and CPU time and peak memory of one pikg command. CPU time is what a figure on
    a quiet machine can be estimated from: on a shared one, wall time waits for others."""
    import psutil

    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([*PIKG, *args], stdout=out, stderr=subprocess.DEVNULL)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree) / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if stdout:
        out.close()  # type: ignore[union-attr]
    if code not in (0, 1):
        raise SystemExit(f"pikg {' '.join(args)} exited {code}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers counted once reaped
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Ran(seconds, cpu, peak)


def exponent(points: Sequence[tuple[float, float]]) -> float:
    """The least-squares slope of log(time) over log(N): 1 is linear, 2 quadratic."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def triples_of(folder: Path) -> int:
    from pikg import extract_file
    from pikg.graph.mapping import map_extractions

    return sum(len(map_extractions([extract_file(p)])) for p in sorted(folder.glob("*.txt"))[:50])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,20,100,200")
    parser.add_argument("--big", type=int, default=0, help="also the N-document store run")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--reference-every",
        type=int,
        default=20,
        help="pySHACL on every N-th document of the 1M-triple store (1: all of them)",
    )
    parser.add_argument(
        "--million",
        nargs=2,
        type=Path,
        metavar=("STORE", "DOCS"),
        help="only the 1M-triple validation, of a loaded store and its documents' folder",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s] if not args.million else []
    jobs = [int(j) for j in args.jobs.split(",")]
    out = args.out or Path(tempfile.mkdtemp(prefix="pikg-bench-"))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; work in {out}")

    for command in ("extract", "check", "load"):
        for j in jobs:
            points = []
            for n in sizes:
                docs = out / f"docs{n}"
                if not docs.exists():
                    generate(n, docs)
                per_doc = triples_of(docs) / min(n, 50)
                argv = {
                    "extract": ["extract", str(docs), "--format", "jsonl"],
                    "check": ["check", str(docs), "--format", "jsonl"],
                    "load": ["load", str(docs), "--store", str(out / f"store{n}-{j}")],
                }[command] + ["--jobs", str(j)]
                ran = run(argv)
                points.append((n, ran.seconds))
                print(
                    f"{command:7} --jobs {j} {n:6} docs: {ran.seconds:7.2f} s, "
                    f"{n / ran.seconds:6.1f} docs/s, {n * per_doc / ran.seconds:8.0f} triples/s, "
                    f"CPU {ran.cpu:7.2f} s ({ran.cpu / n * 1000:.0f} ms/doc), "
                    f"peak RSS {ran.peak:6.0f} MB"
                )
            if len(points) > 1:
                ratio = points[-1][1] / points[0][1]
                print(
                    f"{command:7} --jobs {j} growth exponent {exponent(points):.2f}; "
                    f"{points[-1][0]}/{points[0][0]} time ratio {ratio:.1f}"
                )

    if sizes:
        engines(out / f"docs{sizes[-1]}")
        dask_identical(out / f"docs{sizes[-1]}", out)
    if args.million:
        from pikg.storage.store import Store

        million(Store(args.million[0], read_only=True), args.million[1], args.reference_every)
    elif args.big:
        big(args.big, out, args.reference_every)


def engines(docs: Path) -> None:
    """pySHACL against the compiled SPARQL engine on the same documents, one at a time."""
    from pikg import extract_file
    from pikg.checking.run import check_document

    results = [extract_file(p) for p in sorted(docs.glob("*.txt"))]
    found = {}
    for engine in ("sparql", "pyshacl"):
        t0 = time.perf_counter()
        checked = [check_document(r, engine=engine) for r in results]
        seconds = time.perf_counter() - t0
        found[engine] = sorted(
            (f.focus, f.code, f.severity, f.message_zh, f.message_en)
            for c in checked
            for f in c.report.findings
        )
        print(
            f"engine {engine:8} {len(results)} docs: {seconds:6.2f} s "
            f"({len(results) / seconds:.1f} docs/s), {len(found[engine])} findings"
        )
    print(f"engines identical: {found['sparql'] == found['pyshacl']}")


def dask_identical(docs: Path, out: Path) -> None:
    digests = {}
    for name, extra in (
        ("--jobs 2", ["--jobs", "2"]),
        ("--dask local", ["--dask", "local", "--jobs", "2"]),
    ):
        target = out / f"nq-{name.strip('-').replace(' ', '')}.nq"
        seconds = run(["extract", str(docs), "--format", "nq", *extra], stdout=target).seconds
        digests[name] = hashlib.sha256(target.read_bytes()).hexdigest()
        print(f"extract --format nq {name:13}: {seconds:6.2f} s, sha256 {digests[name][:16]}")
    print(f"--dask local and --jobs 2 N-Quads byte-identical: {len(set(digests.values())) == 1}")


def big(n: int, out: Path, every: int) -> None:
    """N documents extracted, validated and loaded with --jobs 2; the queries on that store;
    a 1M-triple compiled validation."""

    from pikg.storage.sparql import named, run_on_store
    from pikg.storage.store import Store

    docs = out / f"docs{n}"
    if not docs.exists():
        generate(n, docs)
    store_dir = out / f"big-store{n}"
    ran = run(["load", str(docs), "--store", str(store_dir), "--jobs", "2"])
    store = Store(store_dir, read_only=True)  # as `pikg query --store` opens it
    triples = store.count()
    print(
        f"load --jobs 2 (extract + validate + load) {n} docs: {ran.seconds:.1f} s "
        f"({n / ran.seconds:.1f} docs/s, {triples / ran.seconds:.0f} triples/s), "
        f"CPU {ran.cpu:.1f} s ({ran.cpu / n * 1000:.0f} ms/doc; on 2 idle cores "
        f"~{ran.cpu / 2:.0f} s), peak RSS {ran.peak:.0f} MB, "
        f"{triples} triples in {len(store.graphs())} graphs"
    )
    import json

    params = json.loads((ROOT / "tests" / "queries" / "params.json").read_text(encoding="utf-8"))
    for name, query in named().items():
        t0, c0 = time.perf_counter(), time.process_time()
        _, rows = run_on_store(store, query.bind(params.get(name, {})))
        print(
            f"  query {name:28} {(time.perf_counter() - t0) * 1000:7.1f} ms "
            f"(CPU {(time.process_time() - c0) * 1000:7.1f} ms), {len(rows)} rows"
            + (f" for {n} documents" if name == "documents" else "")
        )

    million(store, docs, every)


def million(store: Store, docs: Path, every: int) -> None:
    """The document graphs of a store, up to 1M triples, with its vocabulary and shared graph,
    copied into one in-memory store and validated whole by the compiled shapes; then pySHACL,
    the reference, on each ``every``-th of those documents' own graph, against the compiled
    findings about the nodes of those graphs (all of them with ``every`` 1)."""
    import pyoxigraph as ox

    from pikg import extract_file
    from pikg.checking.run import check_document
    from pikg.checking.validate import compiled_rules, validate_store
    from pikg.graph.mapping import map_extractions, triples
    from pikg.storage.store import SHARED_GRAPH, vocabulary_quads

    quads = [*vocabulary_quads(), *store.store.quads_for_pattern(None, None, None, SHARED_GRAPH)]
    files = []
    for graph in store.graphs():
        if not graph.endswith("/graph"):
            continue
        found = list(store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        quads += found
        files += [
            q.object.value
            for q in found
            if q.predicate.value.endswith("#fileName") and isinstance(q.object, ox.Literal)
        ]
        if len(quads) >= 1_000_000:
            break
    memory = ox.Store()
    memory.bulk_extend(quads)
    compiled_rules()  # compiled once per process, not part of the run
    t0, c0 = time.perf_counter(), time.process_time()
    whole = {_key(f) for f in validate_store(memory)}
    print(
        f"compiled validation of a {len(quads)}-quad store ({len(files)} docs) as one graph: "
        f"{time.perf_counter() - t0:.2f} s (CPU {time.process_time() - c0:.2f} s), "
        f"{len(whole)} findings"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    reference: set[tuple[str, ...]] = set()
    nodes: set[str] = set()
    sample = sorted(files)[::every]
    for name in sample:
        result = extract_file(docs / name)
        reference |= {_key(f) for f in check_document(result, engine="pyshacl").report.findings}
        nodes |= {str(t) for triple in triples(map_extractions([result])) for t in triple}
    ours = {f for f in whole if f[0] in nodes}
    print(
        f"pySHACL on {len(sample)} of those documents' graphs, one by one: "
        f"{time.perf_counter() - t0:.1f} s (CPU {time.process_time() - c0:.1f} s), "
        f"{len(reference)} findings; compiled (whole store) on their nodes: {len(ours)}; "
        f"identical: {ours == reference}"
    )


def _key(f: Finding) -> tuple[str, ...]:
    return (f.focus, f.code, f.severity, f.message_zh, f.message_en)


if __name__ == "__main__":
    main()
