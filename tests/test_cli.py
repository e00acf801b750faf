from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pikg.cli import app

from .conftest import EXAMPLES

runner = CliRunner()
ROW_FIELDS = {
    "doc", "project", "level1", "level2", "level_source", "name", "operator", "operator_written",
    "value", "unit", "value_normalized", "unit_normalized", "kind", "actual", "raw", "start", "end",
}  # fmt: skip


def test_extract_jsonl_rows_have_the_documented_fields() -> None:
    result = runner.invoke(app, ["extract", str(EXAMPLES / "zunyi_agriculture_2024_lists.txt")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 13
    assert rows[0].keys() >= ROW_FIELDS
    assert rows[0]["name"] == "新建高标准农田面积" and rows[0]["value_normalized"] == "25000"
    assert "新建" in result.stdout  # Chinese is not escaped


def test_summary_json_per_document_of_a_folder() -> None:
    result = runner.invoke(app, ["extract", str(EXAMPLES), "--summary", "--format", "json"])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.stdout)  # one JSON document, not JSON Lines
    assert len(docs) == 6
    luoyang = next(d for d in docs if "luoyang" in d["doc"])
    assert luoyang["department"] == "洛阳市民政局" and luoyang["region"] == ["河南省", "洛阳市"]
    assert luoyang["year"] == 2023 and luoyang["kind"] == "budget" and luoyang["rows"] == 11
    assert luoyang["projects"][0]["amount_yuan"] == "48600000"


def test_summary_table_is_readable() -> None:
    result = runner.invoke(
        app, ["extract", str(EXAMPLES / "yichang_health_2022_cells.txt"), "--summary"]
    )
    assert result.exit_code == 0
    assert "宜昌市卫生健康委员会" in result.stdout and "基本公共卫生服务项目" in result.stdout


def test_bad_files_are_reported_and_the_rest_still_processed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    good = EXAMPLES / "wuhou_education_2023_prose.txt"
    result = runner.invoke(app, ["extract", str(tmp_path / "missing.txt"), str(empty), str(good)])
    assert result.exit_code == 2  # some input unreadable: the same code for every command
    assert len(result.stdout.splitlines()) == 11
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {tmp_path / 'missing.txt'}: no such file",
        f"error: {empty}: is empty",
    ]
