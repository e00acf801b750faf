"""The real seed documents against ../shared/gold, scored by the shared scorer's own code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pikg
from pikg import extract_file


def test_seed_rows_meet_the_bar(shared: Path, scorer: ModuleType) -> None:
    predicted: list[dict[str, Any]] = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        predicted.extend(r for r in pikg.extract(path).records() if r["scope"] == "row")
    gold = scorer.load(str(shared / "gold" / "seeds_gold.jsonl"))
    result = scorer.score(gold, predicted)
    assert result["row_f1"] >= 0.99, result["misses"]
    assert result["field_accuracy"] >= 0.98, result["misses"]


def test_seed_document_facts(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for path in sorted((shared / "seeds").glob("*.txt")):
            f.write(json.dumps(extract_file(path).summary(), ensure_ascii=False) + "\n")
    run = subprocess.run(
        [
            sys.executable,
            str(shared / "tools" / "score_docs.py"),
            str(shared / "gold" / "docs_gold.json"),
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    scores = json.loads(run.stdout)
    assert scores["department"] == 1.0 and scores["year"] == 1.0 and scores["kind"] == 1.0, scores
    assert scores["project_f1"] >= 0.95, scores
