"""pikg compare, stats and export (issue 14): tables from our own documents and the devset."""

from __future__ import annotations

import csv
import difflib
import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from pikg import api
from pikg.comparing.compare import Filters, compare
from pikg.comparing.stats import stats
from pikg.comparing.table import COLUMNS, records
from pikg.parsing.concepts import concept_iri

CASE = Path(__file__).resolve().parent / "issue14" / "compare"
SATISFACTION = "satisfaction.beneficiaries"


@pytest.fixture(scope="module")
def checked() -> api.Result:
    return api.check([CASE])


@pytest.fixture(scope="module")
def tidy(checked: api.Result) -> list[dict[str, Any]]:
    return records(checked.documents, checked.findings)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def test_issue14_compare_table_of_beneficiary_satisfaction(tidy: list[dict[str, Any]]) -> None:
    with (CASE / "expected_satisfaction.csv").open(encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    got = compare(tidy, Filters(concept=SATISFACTION))
    assert [{k: _cell(r[k]) for k in expected[0]} for r in got] == expected


@pytest.mark.parametrize(
    ("filters", "regions"),
    [
        (Filters(concept=SATISFACTION, region="甘肃省"), {"甘肃省平凉市崆峒区"}),
        (Filters(concept=SATISFACTION, region="甘肃"), {"甘肃省平凉市崆峒区"}),
        (Filters(concept=SATISFACTION, region="十堰市"), {"湖北省十堰市", "湖北省十堰市竹山县"}),
        (Filters(concept=SATISFACTION, region="420000"), {"湖北省十堰市", "湖北省十堰市竹山县"}),
        (Filters(concept=SATISFACTION, region="竹山县"), {"湖北省十堰市竹山县"}),
        (Filters(concept=SATISFACTION, year=2023), {"甘肃省平凉市崆峒区"}),
        (Filters(concept=SATISFACTION, department="教育"), {"湖北省十堰市竹山县"}),
        (Filters(level="成本指标", region="崆峒区"), {"甘肃省平凉市崆峒区"}),
    ],
)
def test_issue14_compare_filters(
    tidy: list[dict[str, Any]], filters: Filters, regions: set[str]
) -> None:
    assert {r["region"] for r in compare(tidy, filters)} == regions


def test_issue14_compare_normalises_and_finds_outliers(tidy: list[dict[str, Any]]) -> None:
    costs = compare(tidy, Filters(concept="cost.total"))
    assert sorted((r["region"], r["year"], r["value"], r["unit"]) for r in costs) == [
        ("湖北省十堰市竹山县", 2024, 6500000.0, "元"),
        ("甘肃省平凉市崆峒区", 2023, 12000000.0, "元"),
        ("甘肃省平凉市崆峒区", 2024, 9000000.0, "元"),
    ]
    assert (
        next(r for r in costs if r["year"] == 2024 and "崆峒" in r["region"])["previous_year"]
        == "1.2e+07"
    )
    low = [
        dict(tidy[0], concept="c", value_normalized=v, operator="≥", doc=str(v))
        for v in (90, 92, 95, 60)
    ]
    flagged = {r["value"]: r["outlier"] for r in compare(low, Filters())}
    assert flagged == {90.0: "", 92.0: "", 95.0: "", 60.0: "far-below-peers"}


def test_issue14_compare_chart_has_every_glyph(tidy: list[dict[str, Any]], tmp_path: Path) -> None:
    from pikg.comparing.charts import chart

    rows = compare(tidy, Filters(concept=SATISFACTION))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart(rows, tmp_path / "c.png")
        chart(rows, tmp_path / "c.svg")
    assert [str(w.message) for w in caught if "glyph" in str(w.message).lower()] == []
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "c.svg").read_text(encoding="utf-8")[:500]


def test_issue14_stats_denominators(tidy: list[dict[str, Any]]) -> None:
    by_doc = {Path(s["group"]).name: s for s in stats(tidy, "doc")}
    water = by_doc["kongtong_water_2023.txt"]
    assert (water["rows"], water["numbers"], water["no_operator"], water["no_unit"]) == (7, 6, 0, 0)
    by_province = {s["group"]: s for s in stats(tidy, "province")}
    assert by_province["湖北省"]["rows"] == 13 and by_province["甘肃省"]["rows"] == 13
    assert sum(s["rows"] for s in stats(tidy, "year")) == len(tidy)
    training = by_doc["shiyan_training_2024.txt"]
    assert "satisfaction-upper-bound:1" in (training["codes"] or "")
    assert training["flagged"] >= 1 and training["flagged_share"] == round(
        training["flagged"] / 6, 4
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_issue14_export_holds_every_extracted_row(
    checked: api.Result, tidy: list[dict[str, Any]], tmp_path: Path, fmt: str
) -> None:
    from pikg.comparing import export

    out = tmp_path / f"rows.{fmt}"
    dictionary = export.export(tidy, out, fmt)
    data = export.read(out)
    assert len(data) == len(checked.rows) == 26
    assert list(data.columns) == [c.name for c in COLUMNS]
    assert {c: str(t) for c, t in data.dtypes.items()} == {c.name: c.dtype for c in COLUMNS}
    first = data.iloc[0]
    assert first["year"] == 2023 and first["province"] == "甘肃省"
    assert data["concept"].eq(concept_iri(SATISFACTION)).sum() == 4
    with dictionary.open(encoding="utf-8") as handle:
        assert [r["column"] for r in csv.DictReader(handle)] == [c.name for c in COLUMNS]


def test_issue14_devset_beneficiary_satisfaction_by_region_and_year(shared: Path) -> None:
    """Every extracted row the gold files under beneficiary satisfaction, with region and year."""
    docs = [shared / "devset" / "raw", shared / "seeds"]
    result = api.extract(docs)
    table = compare(records(result.documents), Filters(concept=SATISFACTION))
    facts = json.loads((shared / "devset" / "docs_gold.json").read_text(encoding="utf-8"))
    facts |= json.loads((shared / "gold" / "docs_gold.json").read_text(encoding="utf-8"))
    gold = [
        json.loads(line)
        for line in (shared / "devset" / "concepts.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    extracted: dict[str, list[str]] = {}
    for doc in result.documents:
        extracted.setdefault(os.path.basename(doc.doc), []).extend(r.name for r in doc.rows)
    expected = sorted(
        (g["doc"], g["name"], "".join(facts[g["doc"]]["region"]), facts[g["doc"]]["year"])
        for g in gold
        if g["concept"] == SATISFACTION
        and any(
            difflib.SequenceMatcher(None, g["name"], n).ratio() >= 0.8
            for n in extracted.get(g["doc"], [])
        )
    )
    got = sorted((os.path.basename(r["doc"]), r["name"], r["region"], r["year"]) for r in table)
    assert len(got) >= 16
    assert got == expected


def test_issue14_cli_compare_stats_export(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pikg.cli import app

    runner = CliRunner()
    shown = runner.invoke(
        app,
        ["compare", str(CASE), "--concept", SATISFACTION, "--region", "湖北省", "--format", "csv"],
    )
    assert shown.exit_code == 0, shown.output
    lines = list(csv.DictReader(shown.stdout.splitlines()))
    assert sorted((r["region"], r["name"]) for r in lines) == [
        ("湖北省十堰市", "参训学员满意度"),
        ("湖北省十堰市竹山县", "学生家长满意度"),
    ]
    counted = runner.invoke(app, ["stats", str(CASE), "--by", "year", "--format", "jsonl"])
    assert [json.loads(line)["rows"] for line in counted.stdout.splitlines()] == [7, 19]
    out = tmp_path / "rows.csv"
    written = runner.invoke(app, ["export", str(CASE), "--out", str(out)])
    assert written.exit_code == 0, written.output
    extracted = runner.invoke(app, ["extract", str(CASE), "--format", "jsonl"])
    rows = [o for o in map(json.loads, extracted.stdout.splitlines()) if o["scope"] == "row"]
    with out.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(rows)
    assert (tmp_path / "rows.dictionary.csv").is_file()
    wrong = runner.invoke(app, ["stats", str(CASE), "--by", "colour"])
    assert wrong.exit_code == 3
