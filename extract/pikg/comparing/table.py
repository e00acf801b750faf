"""One tidy record per indicator row: the table compare, stats and export read.

Every row of ``pikg extract`` is one record, whatever facts its document lacks; the columns
and their types are declared once (``COLUMNS``), and the data dictionary is written from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pikg.checking.validate import RANK, Finding
from pikg.graph import iris
from pikg.graph.mapping import target_met
from pikg.model import Extraction, IndicatorRow
from pikg.parsing.targets import Target, parse_target

REGION_LEVELS = ("province", "prefecture", "county", "township")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # a pandas dtype name: string, Int64, Float64, boolean
    zh: str
    en: str


COLUMNS = (
    Column("doc", "string", "文件路径", "Path of the source document"),
    Column("province", "string", "省级地区", "Province-level region"),
    Column("prefecture", "string", "地级地区", "Prefecture-level region"),
    Column("county", "string", "县级地区", "County-level region"),
    Column("township", "string", "乡级地区", "Township-level region"),
    Column(
        "adcode",
        "string",
        "最深一级地区的行政区划代码",
        "Administrative code of the deepest region",
    ),
    Column("department", "string", "部门（单位）", "Department or unit"),
    Column("year", "Int64", "预算年度", "Budget year"),
    Column("doc_kind", "string", "文件类型", "Kind of document (budget, self-evaluation …)"),
    Column("source_url", "string", "来源网址", "Where the document was published"),
    Column("project", "string", "项目", "Project"),
    Column("level1", "string", "一级指标", "First-level indicator"),
    Column("level2", "string", "二级指标", "Second-level indicator"),
    Column("name", "string", "三级指标（原文）", "Indicator name as written"),
    Column("clean_name", "string", "规范指标名称", "Clean indicator name"),
    Column("concept", "string", "指标概念 IRI", "IRI of the indicator concept"),
    Column("concept_label", "string", "指标概念名称", "Label of the indicator concept"),
    Column("operator", "string", "比较符（含义）", "Operator the target means (≥ ≤ = > <)"),
    Column("operator_written", "string", "比较符（原文）", "Operator as written"),
    Column("value", "string", "目标值（原文）", "Target value as written"),
    Column("unit", "string", "单位（原文）", "Unit as written"),
    Column("value_normalized", "Float64", "换算值", "Number in its base unit (numbers only)"),
    Column("unit_normalized", "string", "换算单位", "Base unit of the normalised value"),
    Column("date_normalized", "string", "日期目标（ISO）", "A deadline as an ISO date"),
    Column("kind", "string", "目标类型", "number, date, text or empty"),
    Column("lower_bound", "Float64", "下限", "Least value the target allows (≥, >, =)"),
    Column("upper_bound", "Float64", "上限", "Greatest value the target allows (≤, <, =)"),
    Column("actual", "string", "实际完成值", "Achieved value (self-evaluations)"),
    Column("met", "boolean", "是否达成", "Whether the achieved value meets the target"),
    Column("deviation_reason", "string", "偏差原因", "Reason given for a deviation"),
    Column("finding_codes", "string", "校验发现代码", "Codes of the findings, space-separated"),
    Column("start", "Int64", "起始偏移", "Start offset of the row in the decoded source"),
)


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except InvalidOperation:
        return None


def bounds(operator: str | None, number: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    if number is None or operator is None:
        return None, None
    if operator in ("≥", ">"):
        return number, None
    if operator in ("≤", "<"):
        return None, number
    if operator == "=":
        return number, number
    return None, None


def _met(row: IndicatorRow, year: int | None) -> bool | None:
    if not row.actual:
        return None
    target = Target(
        row.operator,
        row.operator_written,
        row.value,
        row.unit,
        row.kind,
        row.value_normalized,
        row.unit_normalized,
    )
    return target_met(target, parse_target(row.actual, row.name, year))


def _depth(code: str) -> int:
    """The level an administrative code names: 110000 province, 110100 prefecture, …"""
    if len(code) > 6:
        return 3
    if code.endswith("0000"):
        return 0
    return 1 if code.endswith("00") else 2


def _region_cells(result: Extraction) -> dict[str, str | None]:
    names = list(result.facts.region)
    codes = list(result.facts.region_codes)
    cells: dict[str, str | None] = dict.fromkeys(REGION_LEVELS)
    if len(codes) == len(names):  # place each name by its code: 北京市朝阳区 has no prefecture
        for name, code in zip(names, codes, strict=True):
            cells[REGION_LEVELS[_depth(code)]] = name
    else:
        for level, name in zip(REGION_LEVELS, names, strict=False):
            cells[level] = name
    cells["adcode"] = codes[-1] if codes else None
    return cells


def records(
    results: Iterable[Extraction], findings: Iterable[Finding] = (), min_severity: str = "Warning"
) -> list[dict[str, Any]]:
    """Every indicator row of every document, with its document facts and the codes of its
    findings at ``min_severity`` or worse."""
    found: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        if RANK[finding.severity] >= RANK[min_severity]:
            found[finding.focus].add(finding.code)
    out = []
    for result in results:
        doc = iris.disclosure(result, result.digest)
        facts = result.facts
        place = _region_cells(result)
        for row in result.rows:
            number = _decimal(row.value_normalized) if row.kind == "number" else None
            low, high = bounds(row.operator, number)
            codes = sorted(found.get(iris.target(doc, row), ()))
            out.append(
                {
                    "doc": result.doc,
                    **place,
                    "department": facts.department,
                    "year": facts.year,
                    "doc_kind": facts.kind,
                    "source_url": facts.source_url,
                    "project": row.project,
                    "level1": row.level1,
                    "level2": row.level2,
                    "name": row.name,
                    "clean_name": row.clean_name,
                    "concept": row.concept,
                    "concept_label": row.concept_label,
                    "operator": row.operator,
                    "operator_written": row.operator_written,
                    "value": row.value,
                    "unit": row.unit,
                    "value_normalized": float(number) if number is not None else None,
                    "unit_normalized": row.unit_normalized,
                    "date_normalized": row.value_normalized if row.kind == "date" else None,
                    "kind": row.kind,
                    "lower_bound": float(low) if low is not None else None,
                    "upper_bound": float(high) if high is not None else None,
                    "actual": row.actual,
                    "met": _met(row, facts.year),
                    "deviation_reason": row.deviation_reason,
                    "finding_codes": " ".join(codes) or None,
                    "start": row.start,
                }
            )
    return out
