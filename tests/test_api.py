"""The public API a notebook uses: typed results, one error hierarchy (issue 9)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import pikg

from .conftest import EXAMPLES, ROOT


def test_check_returns_documents_rows_findings_and_failures(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = pikg.check([EXAMPLES, missing])
    assert len(result.documents) == 6
    assert len(result.rows) == sum(len(d.rows) for d in result.documents) > 50
    assert result.findings == []  # the examples are clean
    assert [str(f) for f in result.failures] == [f"{missing}: no such file"]
    frame = result.to_frame()
    assert len(frame) == len(result.rows) and "findings" in frame.columns


def test_flawed_findings_are_typed_records() -> None:
    result = pikg.check(ROOT / "tests" / "flawed" / "luoyang_civil_affairs_2023_pipes_flawed.txt")
    codes = {f.code for f in result.findings}
    assert "satisfaction-upper-bound" in codes
    assert all(f.severity in ("Violation", "Warning", "Info") for f in result.findings)


def test_store_load_and_query_keep_types(tmp_path: Path) -> None:
    store = pikg.Store(tmp_path / "kg")
    assert store.load(pikg.extract(EXAMPLES)) == []
    table = store.query("documents")
    assert len(table.rows) == 6
    years = {row["year"] for row in table.rows}
    assert all(isinstance(y, int) for y in years if y is not None)
    frame = table.to_frame()
    assert list(frame.columns) == table.variables
    costs = store.query("cost-vs-funds").rows
    assert any(isinstance(r["funds"], Decimal) for r in costs)


def test_errors_share_one_hierarchy(tmp_path: Path) -> None:
    store = pikg.Store(tmp_path / "kg")
    with pytest.raises(pikg.PikgError) as caught:
        store.query("no-such-query")
    assert caught.value.exit_code == 3 and "no-such-query" in str(caught.value)
    with pytest.raises(pikg.PikgError) as bad:
        store.query("findings-by-severity", severity="catastrophic")
    assert "Violation, Warning, Info" in str(bad.value)


def test_parameters_are_matched_ignoring_case(tmp_path: Path) -> None:
    store = pikg.Store(tmp_path / "kg")
    store.load(ROOT / "tests" / "flawed")
    lower = store.query("findings-by-severity", severity="violation").rows
    assert lower and lower == store.query("findings-by-severity", severity="Violation").rows
