"""Layout cases as data: tests/cases/<case>/input.txt and the rows.jsonl a reader wrote down.

Each expected row states the fields it checks; the runner compares exactly those, in order.
A case may add unparsed.jsonl: the text of each unparsed record it expects, in order.
Folders with expected.ttl instead (issue3_*) are graph cases, run by test_rdf.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pikg import extract_text

CASES = Path(__file__).parent / "cases"
LAYOUT_CASES = sorted(p.name for p in CASES.iterdir() if (p / "rows.jsonl").exists())
PENDING = {
    line.strip()
    for line in (CASES / "PENDING").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}


def _expected(case: str) -> list[dict[str, object]]:
    lines = (CASES / case / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_there_are_enough_layout_cases() -> None:
    assert len(LAYOUT_CASES) >= 25


def _param(case: str) -> object:
    if case in PENDING:
        return pytest.param(case, marks=pytest.mark.xfail(strict=True, reason="issue 10: pending"))
    return case


@pytest.mark.parametrize("case", [_param(c) for c in LAYOUT_CASES])
def test_case_rows(case: str) -> None:
    text = (CASES / case / "input.txt").read_bytes().decode("utf-8")
    result = extract_text(text, f"{case}/input.txt")
    expected = _expected(case)
    got = [row.to_dict() for row in result.rows]
    assert [{k: g[k] for k in e} for g, e in zip(got, expected, strict=False)] == expected
    assert len(got) == len(expected), [r["name"] for r in got]
    lost = CASES / case / "unparsed.jsonl"
    if lost.exists():  # the text of each unread line the case expects reported
        lines = lost.read_text(encoding="utf-8").splitlines()
        assert [{"text": u.text} for u in result.unparsed] == [json.loads(x) for x in lines if x]
