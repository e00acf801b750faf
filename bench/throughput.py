"""Extraction throughput on one core: MB/s after start-up, and the time for a 10 MB document.

The document is the shipped examples, each repetition rewritten as ``scale.py`` does (another
city and year, the numbers scaled) and its names varied: the CJK characters of the examples
that no pikg source or vocabulary file holds (NAME_CHARACTERS) are shuffled anew for each
repetition, so no keyword changes but project and indicator names do. No two repetitions are alike, so the figure
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
from pikg.reading.decode import decode

ROOT = Path(__file__).resolve().parents[1]
PIKG = ROOT / "extract" / "pikg"
EXAMPLES = ROOT / "examples"
# The examples' CJK characters that no pikg module or vocabulary file held when this bench was
# written (region tables aside: a name of their characters is still a name). Fixed here, so the
# document stays the same as the code changes and figures of two commits compare.
NAME_CHARACTERS = (
    "他伍侯便免危压子季宜害岁师康延昌样案武洛测溉灌照状畅础税筹粮素纳线继膳般血证遵都阶雨"
)
REGION_TABLES = {"regions.tsv", "regions-since-2020.tsv", "townships.tsv"}


def reserved_now() -> str:
    """Those of NAME_CHARACTERS that pikg's sources or vocabularies hold by now: a keyword's
    character would make the shuffle change a keyword, so the bench says so."""
    sources = [*PIKG.rglob("*.py"), *(PIKG / "data").glob("*.tsv")]
    held = set().union(*(set(p.read_text("utf-8")) for p in sources if p.name not in REGION_TABLES))
    return "".join(c for c in NAME_CHARACTERS if c in held)


def document(mb: float, seed: int) -> str:
    """Varied repetitions of the examples, to ``mb`` megabytes of UTF-8: each ``seed`` its own
    draws, so no document is the start of another (a cache would be warm for it)."""
    bases = examples()
    free = list(NAME_CHARACTERS)
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
    if held := reserved_now():
        print(f"warning: pikg's sources now hold {held}; shuffling them may change keywords")
    imported = time.process_time()  # this process's CPU so far: the interpreter and imports
    first = "\n".join(decode(p.read_bytes(), str(p)) for p in sorted(EXAMPLES.glob("*.txt")))
    cpu = time.process_time()
    extract_text(first)  # start-up: dictionaries, the ontology, the concept scheme
    cpu = time.process_time() - cpu
    print(f"start-up: {imported:.2f} s CPU to import, {cpu:.2f} s for the first document")
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
