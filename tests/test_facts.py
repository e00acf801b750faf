"""Document facts (issue 11): one folder per case under tests/facts/, one runner.

Each case is an invented excerpt (``input.txt``) and what a careful reader takes from it
(``facts.json``: department, region, year, year_source, kind, projects). Every fact is
compared. Where the text is silent, ``input.meta.json`` (a sidecar) supplies the rest, and
the case is run again with it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pikg.model import DocumentMeta, Extraction
from pikg.parsing.facts import year_in_name
from pikg.parsing.pipeline import extract_source
from pikg.reading.decode import read_source, source_from_text
from pikg.reading.sidecar import read_sidecar

CASES = Path(__file__).resolve().parent / "facts"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
FACTS = ("department", "region", "year", "year_source", "kind", "projects")


def _facts(result: Extraction) -> dict[str, Any]:
    summary = result.summary()
    summary["projects"] = [re.sub(r"\s", "", p["name"]) for p in summary["projects"]]
    return {key: summary[key] for key in FACTS}


def _expected(case: Path) -> dict[str, Any]:
    gold = json.loads((case / "facts.json").read_text(encoding="utf-8"))
    gold["projects"] = [re.sub(r"\s", "", p) for p in gold["projects"]]
    return {key: gold[key] for key in FACTS}


# Cases pikg does not read yet, each with why; strict, so a fix shows up as a pass to claim.
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_GAPS[n], strict=True))
        if n in KNOWN_GAPS
        else n
        for n in NAMES
    ],
)
def test_facts_from_the_text(name: str) -> None:
    case = CASES / name
    got = _facts(extract_source(read_source(case / "input.txt")))
    assert got == _expected(case), (case / "notes.md").read_text(encoding="utf-8")


SIDECARS = [n for n in NAMES if (CASES / n / "input.meta.json").exists()]


@pytest.mark.parametrize("name", SIDECARS)
def test_a_sidecar_supplies_what_the_text_does_not_say(name: str) -> None:
    case = CASES / name
    meta = read_sidecar(case / "input.txt")
    assert meta is not None
    result = extract_source(read_source(case / "input.txt"), meta)
    sidecar = json.loads((case / "input.meta.json").read_text(encoding="utf-8"))
    got = result.summary()
    for key in ("department", "year", "kind"):
        if key in sidecar:
            assert got[key] == sidecar[key]
            assert got[f"{key}_source"] == "sidecar"
    if "region" in sidecar:
        assert got["region"] == sidecar["region"] and got["region_source"] == "sidecar"
    assert got["source_url"] == sidecar.get("source_url")


def test_issue10_the_rest_of_a_header_row_is_not_a_project() -> None:
    """`序号 项目名称 预算金额 年度绩效目标`: what follows 项目名称 there is two more header cells."""
    text = (
        "某某县水利局2024年部门预算\n"
        "序号 项目名称 预算金额 年度绩效目标\n"
        "1 农村饮水安全巩固提升工程 320.00 新建供水管网≥12公里群众满意度≥90%\n"
    )
    doc = extract_source(source_from_text(text, "t.txt"))
    assert [p.name for p in doc.projects] == ["农村饮水安全巩固提升工程"]


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("12_xiangxi-luxi_agriculture_2023_target.txt", 2023),
        ("2024年部门预算公开.pdf", 2024),
        ("http://example.gov.cn/art/2022/6/7/art_1229_39335.html", 2022),
        ("http://example.gov.cn/upload/upload20210325/8C1D2.html", 2021),
        ("a1f2024c9e.txt", None),  # a hash, not a year
        ("规划2023-2025.xlsx", None),  # two years: neither is the budget year
        ("input.txt", None),
    ],
)
def test_issue11_year_in_a_file_name_or_address(name: str, year: int | None) -> None:
    assert year_in_name(name) == year


SILENT = "项目名称：乡村道路养护补助\n产出指标|数量指标|养护里程|≥120公里\n"


def test_issue11_a_text_that_names_no_year_takes_its_file_name_s() -> None:
    """Where the text states no year, the file's name is the reader's best evidence, marked
    as inferred; a stated year always wins over it."""
    got = extract_source(source_from_text(SILENT, "06_gansu-tanchang_roads_2023.txt")).summary()
    assert (got["year"], got["year_source"]) == (2023, "inferred")
    stated = "2025年度项目支出绩效目标表\n" + SILENT
    got = extract_source(source_from_text(stated, "06_gansu-tanchang_roads_2023.txt")).summary()
    assert (got["year"], got["year_source"]) == (2025, "stated")


def test_issue11_a_self_evaluation_s_address_gives_the_year_before_it() -> None:
    """An address carries when a page went up: a self-evaluation published in 2024 looks back
    on 2023."""
    text = "项目支出绩效自评表\n" + SILENT
    meta = DocumentMeta(source_url="http://example.gov.cn/art/2024/3/5/art_77_1.html")
    got = extract_source(source_from_text(text, "input.txt"), meta).summary()
    assert (got["kind"], got["year"], got["year_source"]) == ("self-evaluation", 2023, "inferred")
