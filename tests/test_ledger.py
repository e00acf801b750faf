"""The ledger: every row written in a generated layout is read, and nothing is lost silently.

Hypothesis draws rows (levels, a name, a target) and a layout to write them in; the
extractor must give back each row's name and target, and account for every other character
of the section as a named skip or an unparsed record.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pikg import extract_text
from pikg.parsing.ledger import Ledger

HEAD = "某某市水务局2024年项目支出绩效目标表\n项目名称：城区供水管网改造项目\n"
LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标")]
STEMS = ["供水管网", "泵站设备", "水质监测", "管网巡检", "用户接水", "应急抢修"]
HEADS = ["改造长度", "维护台数", "覆盖户数", "合格率", "完成次数", "到位率"]
UNITS = ["公里", "台", "户", "%", "次"]
OPS = ["≥", "≤", "=", "不低于", "不超过"]

Row = tuple[tuple[str, str], str, str, str, int, str]
row = st.tuples(
    st.sampled_from(LEVELS),
    st.sampled_from(STEMS),
    st.sampled_from(HEADS),
    st.sampled_from(OPS),
    st.integers(min_value=1, max_value=99999),
    st.sampled_from(UNITS),
)


def _write(layout: str, rows: list[Row]) -> str:
    lines: list[str] = []
    if layout == "pipes":
        lines.append("| 一级指标 | 二级指标 | 三级指标 | 指标值 |")
        for (l1, l2), stem, head, op, n, unit in rows:
            lines.append(f"| {l1} | {l2} | {stem}{head} | {op}{n}{unit} |")
    elif layout == "spaces":
        lines.append("一级指标 二级指标 三级指标 指标值")
        for (l1, l2), stem, head, op, n, unit in rows:
            lines.append(f"{l1} {l2} {stem}{head} {op}{n}{unit}")
    elif layout == "cells":
        lines += ["一级指标", "", "二级指标", "", "三级指标", "", "指标值", ""]
        for (l1, l2), stem, head, op, n, unit in rows:
            lines += [l1, "", l2, "", f"{stem}{head}", "", f"{op}{n}{unit}", ""]
    else:  # a prose path list
        items = [
            f"{l1}-{l2}-{stem}{head}（{op}{n}{unit}）" for (l1, l2), stem, head, op, n, unit in rows
        ]
        lines.append("项目绩效目标：" + "；".join(items) + "。")
    return HEAD + "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(row, min_size=1, max_size=6, unique_by=lambda r: (r[1], r[2])),
    st.sampled_from(["pipes", "spaces", "cells", "prose"]),
)
def test_issue10_every_generated_row_is_read_and_nothing_is_lost(
    rows: list[Row], layout: str
) -> None:
    result = extract_text(_write(layout, rows))
    got = [(r.name, r.target.value, r.target.unit) for r in result.rows]
    assert got == [(f"{stem}{head}", str(n), unit) for _, stem, head, _, n, unit in rows]
    assert result.unparsed == []


def test_issue10_ledger_turns_what_no_segmenter_claimed_into_unparsed() -> None:
    text = "产出指标 培训人次 ≥500人次\n≥≥≥ 不明\n"
    ledger = Ledger()
    ledger.row(0, len("产出指标 培训人次 ≥500人次"))
    entries = ledger.close(text, 0, len(text))
    assert [(e.fate, text[e.start : e.end]) for e in entries] == [
        ("row", "产出指标 培训人次 ≥500人次"),
        ("unparsed", "≥≥≥ 不明"),
    ]
