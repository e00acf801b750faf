"""Wall time of extracting the five seeds (or the shipped examples) after start-up.

Start-up (imports, jieba's dictionary, the SKOS framework) is paid once by a warm-up pass
and reported apart; the figure that matters is a pass over the documents afterwards.
usage: python bench/bench_extract.py [FOLDER] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    default = ROOT.parent / "shared" / "seeds"
    parser.add_argument(
        "folder", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "examples"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = sorted(p for p in args.folder.iterdir() if p.is_file())

    started = time.perf_counter()
    from pikg import extract_file

    rows = sum(len(extract_file(p).rows) for p in paths)
    startup = time.perf_counter() - started

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for p in paths:
            extract_file(p)
        times.append(time.perf_counter() - t0)
    print(f"documents: {len(paths)} in {args.folder}  rows: {rows}")
    print(f"first pass (with start-up): {startup:.3f} s")
    print(
        f"extract all, after start-up: median {statistics.median(times):.3f} s, max {max(times):.3f} s over {args.repeat} passes"
    )


if __name__ == "__main__":
    main()
