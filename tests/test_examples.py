"""The shipped example documents, one per layout, against rows a reader wrote down by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pikg import extract_file

from .conftest import EXAMPLES, EXPECTED

FIELDS = [
    "project",
    "level1",
    "level2",
    "name",
    "operator",
    "operator_written",
    "value",
    "unit",
    "kind",
    "actual",
]
CASES = sorted(p.stem for p in EXPECTED.glob("*.jsonl"))


def expected_rows(stem: str) -> list[dict[str, object]]:
    lines = (EXPECTED / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_example_has_expected_rows() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.txt")) == CASES


@pytest.mark.parametrize("stem", CASES)
def test_example_rows(stem: str) -> None:
    result = extract_file(EXAMPLES / f"{stem}.txt")
    got = [{f: row.to_dict()[f] for f in FIELDS} for row in result.rows]
    assert got == expected_rows(stem)
    assert result.unparsed == []


@pytest.mark.parametrize("stem", CASES)
def test_raw_and_offsets_point_into_the_source(stem: str) -> None:
    path = EXAMPLES / f"{stem}.txt"
    result = extract_file(path)
    original = _decoded(path)
    for row in result.rows:
        assert row.raw == "".join(original[row.start : row.end].split("\n"))
        assert row.name[:2] in original[row.start : row.end].replace("\n", "")


def _decoded(path: Path) -> str:
    from pikg.reading.decode import read_source

    return read_source(path).original


def test_example_facts() -> None:
    facts = {p.stem: extract_file(p).facts for p in sorted(EXAMPLES.glob("*.txt"))}
    assert facts["wuhou_education_2023_prose"].region == ["四川省", "成都市", "武侯区"]
    assert facts["guilin_forestry_2024_glued_gbk"].region == ["广西壮族自治区", "桂林市"]
    assert facts["nantong_transport_2022_selfeval"].kind == "self-evaluation"
    assert facts["yichang_health_2022_cells"].kind == "target-table"
    assert {k: f.year for k, f in facts.items()} == {
        "guilin_forestry_2024_glued_gbk": 2024,
        "luoyang_civil_affairs_2023_pipes": 2023,
        "nantong_transport_2022_selfeval": 2022,
        "wuhou_education_2023_prose": 2023,
        "yichang_health_2022_cells": 2022,
        "zunyi_agriculture_2024_lists": 2024,
    }


def test_example_projects_with_funds() -> None:
    projects = extract_file(EXAMPLES / "luoyang_civil_affairs_2023_pipes.txt").projects
    assert [(p.name, p.amount, p.amount_unit, p.amount_yuan) for p in projects] == [
        ("城乡最低生活保障资金", "4860", "万元", "48600000"),
        ("养老服务体系建设补助", "680", "万元", "6800000"),
    ]


def test_self_evaluation_columns() -> None:
    rows = extract_file(EXAMPLES / "nantong_transport_2022_selfeval.txt").rows
    quality = rows[1]
    assert (quality.weight, quality.score) == (Decimal("15"), Decimal("13"))
    assert quality.deviation_reason == "部分路段基层病害未彻底处治，已列入下年度整改"


def test_direction_column() -> None:
    rows = extract_file(EXAMPLES / "luoyang_civil_affairs_2023_pipes.txt").rows
    assert [r.direction for r in rows[:5]] == ["正向", "正向", "正向", "正向", "反向"]
    assert rows[0].weight == Decimal("10")
