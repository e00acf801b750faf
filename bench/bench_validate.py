"""Wall time of validating the five seeds' graph (or the shipped examples') with the shapes,
after start-up.  usage: python bench/bench_validate.py [FOLDER] [--repeat N]"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from pikg import __version__, extract_file
    from pikg.mapping import add_extraction, new_dataset
    from pikg.validate import validate

    dataset = new_dataset()
    for path in sorted(p for p in args.folder.iterdir() if p.is_file()):
        add_extraction(dataset, extract_file(path), __version__)
    triples = [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))]

    t0 = time.perf_counter()
    report = validate(triples)
    first = time.perf_counter() - t0
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        validate(triples)
        times.append(time.perf_counter() - t0)
    print(f"graph: {len(triples)} triples from {args.folder}; findings: {len(report.findings)}")
    print(f"first validation (loads shapes and ontology): {first:.3f} s")
    print(
        f"validate, after start-up: median {statistics.median(times):.3f} s, max {max(times):.3f} s over {args.repeat} runs"
    )


if __name__ == "__main__":
    main()
