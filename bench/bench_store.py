"""Wall time of loading the five seeds (or the shipped examples) into a fresh store and
reading a count back, after start-up.  usage: python bench/bench_store.py [FOLDER]"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    default = ROOT.parent / "shared" / "seeds"
    folder = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else default
        if default.is_dir()
        else ROOT / "examples"
    )
    paths = sorted(p for p in folder.iterdir() if p.is_file())

    from pikg import extract_file
    from pikg.store import Store

    with tempfile.TemporaryDirectory() as warm:
        Store(warm).load_extraction(extract_file(paths[0]))  # start-up: imports, jieba, ontology

    print(f"documents: {len(paths)} in {folder}")
    for findings in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            store = Store(tmp)
            for path in paths:
                store.load_extraction(extract_file(path), findings=findings)
            count = store.count()
            elapsed = time.perf_counter() - t0
        what = "extract + map + validate + load" if findings else "extract + map + load"
        print(f"{what} into a fresh store + count ({count} triples): {elapsed:.3f} s")


if __name__ == "__main__":
    main()
