"""Extraction throughput on one core: MB/s after start-up, and the time for a 10 MB document.

The document is the shipped examples, each repetition rewritten as ``scale.py`` does (another
city and year, the numbers scaled) and its names varied: the CJK characters of the examples
that no pikg source or vocabulary file contains are shuffled anew for each repetition, so no
keyword changes but project and indicator names do. No two repetitions are alike, so the figure
measures parsing, not a cache keyed on a line. Targets: ≥ 1 MB/s; a 10 MB document in < 10 s.
Each size prints CPU time (this process's, on its one core) beside wall time, which other work
on a shared machine inflates; with several sizes, the growth exponent of CPU time in size says
whether extraction is linear (1.0) or not.

usage: python bench/throughput.py [--mb N] [--sizes 1,2,5,10] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import random
import time
from pathlib import Path

from scale import city_names, examples, exponent, variant  # bench/ is on the path

from pikg import extract_text

ROOT = Path(__file__).resolve().parents[1]
PIKG = ROOT / "extract" / "pikg"
# the region tables hold most CJK characters; a name made of their characters is still a name
REGION_TABLES = {"regions.tsv", "regions-since-2020.tsv", "townships.tsv"}


def name_characters(texts: list[str]) -> list[str]:
    """CJK characters of ``texts`` that appear in no pikg module or vocabulary file."""
    sources = [*PIKG.rglob("*.py"), *(PIKG / "data").glob("*.tsv")]
    reserved = set().union(
        *(set(p.read_text("utf-8")) for p in sources if p.name not in REGION_TABLES)
    )
    return sorted({c for t in texts for c in t if "\u4e00" <= c <= "\u9fff"} - reserved)


def document(mb: float, seed: int) -> str:
    """Varied repetitions of the examples, to ``mb`` megabytes of UTF-8: each ``seed`` its own
    draws, so no document is the start of another (a cache would be warm for it)."""
    bases = examples()
    free = name_characters([text for _, text, _ in bases])
    cities, rng = city_names(), random.Random(seed)
    parts, size, i = [], 0, 0
    while size < mb * 1_000_000:
        drawn = rng.sample(free, len(free))
        names = str.maketrans(dict(zip(free, drawn, strict=True)))
        part = variant(bases[i % len(bases)], cities, rng).translate(names)
        parts.append(part)
        size += len(part.encode("utf-8")) + 1
        i += 1
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--sizes", help="comma-separated sizes in MB (instead of --mb)")
    parser.add_argument("--profile", help="write a cProfile of each size to FILE.<size>MB")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")] if args.sizes else [args.mb]
    cpu = time.process_time()
    extract_text(document(0.01, seed=0))  # start-up: imports, dictionaries, the ontology
    print(f"start-up: {time.process_time() - cpu:.2f} s CPU (imports and the first document)")
    points = []
    for seed, wanted in enumerate(sizes, start=1):
        text = document(wanted, seed)
        mb = len(text.encode("utf-8")) / 1_000_000
        profile = cProfile.Profile() if args.profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        result = profile.runcall(extract_text, text) if profile else extract_text(text)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if profile:
            profile.dump_stats(f"{args.profile}.{wanted:g}MB")
        points.append((mb, cpu))
        print(f"document: {mb:.1f} MB, {len(result.rows)} rows")
        print(f"  time: {cpu:.2f} s CPU, {wall:.2f} s wall (target < 10 s for 10 MB)")
        print(f"  throughput: {mb / cpu:.2f} MB/s CPU, {mb / wall:.2f} MB/s wall (target >= 1)")
    if len(points) > 1:
        print(f"growth exponent of CPU time in size: {exponent(points):.2f} (linear: 1.00)")


if __name__ == "__main__":
    main()
