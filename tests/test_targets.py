from __future__ import annotations

import pytest

from pikg.parsing.targets import locate, parse_target

# text, name, (operator, operator_written, value, unit, kind, value_normalized, unit_normalized)
CASES = [
    ("≥7225 人", "", ("≥", "≥", "7225", "人", "number", "7225", "人")),
    (">=90%%", "", ("≥", ">=", "90", "%%", "number", "90", "%%")),
    ("<=80%", "", ("≤", "<=", "80", "%", "number", "80", "%")),
    ("≥373.87万人", "", ("≥", "≥", "373.87", "万人", "number", "3738700", "人")),
    ("≤8万元", "", ("≤", "≤", "8", "万元", "number", "80000", "元")),
    ("=3752800.00元", "", ("=", "=", "3752800.00", "元", "number", "3752800", "元")),
    ("≥1,200批次", "", ("≥", "≥", "1200", "批次", "number", "1200", "批次")),
    ("不低于95%", "", ("≥", "不低于", "95", "%", "number", "95", "%")),
    ("不超过20万元", "", ("≤", "不超过", "20", "万元", "number", "200000", "元")),
    ("90%以上", "", ("≥", "以上", "90", "%", "number", "90", "%")),
    ("5万元以内", "", ("≤", "以内", "5", "万元", "number", "50000", "元")),
    ("5年", "", (None, None, "5", "年", "number", "5", "年")),
    ("=2021年12月31日前", "", ("≤", "=", "2021年12月31日前", None, "date", "2021-12-31", "date")),
    (
        "2021年12月31日前完成",
        "",
        ("≤", None, "2021年12月31日前完成", None, "date", "2021-12-31", "date"),
    ),
    ("=2021年底前", "", ("≤", "=", "2021年底前", None, "date", "2021-12-31", "date")),
    ("≤2025年12月31日", "", ("≤", "≤", "2025年12月31日", None, "date", "2025-12-31", "date")),
    ("=2025年12月", "", ("=", "=", "2025年12月", None, "date", "2025-12", "date")),
    ("=12月", "资金到位时间", ("=", "=", "12月", None, "date", "2025-12", "date")),
    ("44561", "资金拨付时间", (None, None, "44561", None, "date", "2021-12-31", "date")),
    ("=成效明显", "", ("=", "=", "成效明显", None, "text", None, None)),
    ("规范", "", (None, None, "规范", None, "text", None, None)),
    ("", "", (None, None, None, None, "empty", None, None)),
]


@pytest.mark.parametrize(("text", "name", "expected"), CASES)
def test_parse_target(text: str, name: str, expected: tuple[object, ...]) -> None:
    t = parse_target(text, name, year=2025)
    got = (
        t.operator,
        t.operator_written,
        t.value,
        t.unit,
        t.kind,
        t.value_normalized,
        t.unit_normalized,
    )
    assert got == expected


# text → (operator, operator_written, kind, unit, lower, upper): both bounds kept.
ISSUE10_BOUNDS = [
    ("80%-90%", (None, None, "range", "%", "80", "90")),
    ("500～600人次", (None, None, "range", "人次", "500", "600")),
    ("≥95%且≤100%", (None, None, "range", "%", "95", "100")),
    ("±3%以内", ("≤", "以内", "number", "%", "-3", "3")),
    ("8-12元/餐", (None, None, "range", "元/餐", "8", "12")),
    ("不少于1600人", ("≥", "不少于", "number", "人", "1600", None)),
    ("控制在1.5万元以内", ("≤", "控制在…以内", "number", "万元", None, "15000")),
    ("小于等于3%", ("≤", "小于等于", "number", "%", None, "3")),
    ("至少2次", ("≥", "至少", "number", "次", "2", None)),
    ("=100%", ("=", "=", "number", "%", "100", "100")),
    ("≤0%", ("≤", "≤", "number", "%", None, "0")),
]


@pytest.mark.parametrize(("text", "expected"), ISSUE10_BOUNDS)
def test_issue10_target_grammar_keeps_both_bounds(text: str, expected: tuple[object, ...]) -> None:
    t = parse_target(text)
    lower = None if t.lower is None else format(t.lower.normalize(), "f")
    upper = None if t.upper is None else format(t.upper.normalize(), "f")
    assert (t.operator, t.operator_written, t.kind, t.unit, lower, upper) == expected


def test_issue10_deadline_words_mean_at_most() -> None:
    for text in ("2023年11月30日之前", "2023年底前", "2019年12月底前"):
        t = parse_target(text)
        assert (t.operator, t.kind) == ("≤", "date"), text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("参保人数≥373.87万人", "参保人数"),
        ("2020年房租缴纳次数 =1次", "2020年房租缴纳次数 "),
        ("评估考核全市定点医疗机构 700家", "评估考核全市定点医疗机构 "),
        ("设备使用年限5年", "设备使用年限"),
        ("项目完成时间2024年3月底前", "项目完成时间"),
        ("种植数量(≥**株)>=17600株", "种植数量(≥**株)"),
        ("培训次数 ≥ 2 次", "培训次数 "),
    ],
)
def test_locate_splits_name_from_target(text: str, name: str) -> None:
    at = locate(text)
    assert at is not None and text[:at] == name


@pytest.mark.parametrize("text", ["受益群众满意度", "≥ 2 次", "65岁及以上老年人健康管理人数"])
def test_locate_finds_no_target_where_there_is_none(text: str) -> None:
    assert locate(text) is None
