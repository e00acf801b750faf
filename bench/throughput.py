"""Extraction throughput on one core: MB/s after start-up, and the time for a 10 MB document.

The document is the shipped examples' text repeated to the size asked for, so the figure
measures the parser, not the disk. Targets: ≥ 1 MB/s; a 10 MB document in < 10 s.

usage: python bench/throughput.py [--mb N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pikg import extract_text
from pikg.reading.decode import read_source

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10.0)
    args = parser.parse_args()
    unit = "\n".join(read_source(p).original for p in sorted((ROOT / "examples").glob("*.txt")))
    extract_text(unit)  # start-up: imports, dictionaries, the ontology
    size = int(args.mb * 1_000_000)
    text = (unit * (size // len(unit.encode("utf-8")) + 1))[: size // 3]
    while len(text.encode("utf-8")) < size:
        text += unit
    mb = len(text.encode("utf-8")) / 1_000_000
    t0 = time.perf_counter()
    result = extract_text(text)
    seconds = time.perf_counter() - t0
    print(f"document: {mb:.1f} MB, {len(result.rows)} rows")
    print(f"time: {seconds:.2f} s (target < 10 s for 10 MB)")
    print(f"throughput: {mb / seconds:.2f} MB/s (target >= 1 MB/s)")


if __name__ == "__main__":
    main()
