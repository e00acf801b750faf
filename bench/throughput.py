"""Extraction throughput on one core: MB/s after start-up, and the time for a 10 MB document.

The document is the shipped examples' text repeated to the size asked for, so the figure
measures the parser, not the disk. Targets: ≥ 1 MB/s; a 10 MB document in < 10 s. Each
size prints CPU time (this process's, on its one core) beside wall time, which other work
on a shared machine inflates; with several sizes, the growth exponent of CPU time in size
says whether extraction is linear (1.0) or not.

usage: python bench/throughput.py [--mb N] [--sizes 1,2,5,10]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scale import exponent  # the same fit as the scale figures (bench/ is on the path)

from pikg import extract_text
from pikg.reading.decode import read_source

ROOT = Path(__file__).resolve().parents[1]


def document(unit: str, mb: float) -> str:
    """The examples' text repeated to ``mb`` megabytes of UTF-8."""
    size = int(mb * 1_000_000)
    text = (unit * (size // len(unit.encode("utf-8")) + 1))[: size // 3]
    while len(text.encode("utf-8")) < size:
        text += unit
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--sizes", help="comma-separated sizes in MB (instead of --mb)")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")] if args.sizes else [args.mb]
    unit = "\n".join(read_source(p).original for p in sorted((ROOT / "examples").glob("*.txt")))
    extract_text(unit)  # start-up: imports, dictionaries, the ontology
    points = []
    for wanted in sizes:
        text = document(unit, wanted)
        mb = len(text.encode("utf-8")) / 1_000_000
        wall, cpu = time.perf_counter(), time.process_time()
        result = extract_text(text)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        points.append((mb, cpu))
        print(f"document: {mb:.1f} MB, {len(result.rows)} rows")
        print(f"  time: {cpu:.2f} s CPU, {wall:.2f} s wall (target < 10 s for 10 MB)")
        print(f"  throughput: {mb / cpu:.2f} MB/s CPU, {mb / wall:.2f} MB/s wall (target >= 1)")
    if len(points) > 1:
        print(f"growth exponent of CPU time in size: {exponent(points):.2f} (linear: 1.00)")


if __name__ == "__main__":
    main()
