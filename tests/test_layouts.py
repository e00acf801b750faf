"""Layout variants beyond the examples, each as a short inline document."""

from __future__ import annotations

from pikg import extract_text

HEAD = "某某市财政局2022年项目支出绩效目标表\n项目名称：测试项目\n"


def rows(body: str) -> list[tuple[object, ...]]:
    result = extract_text(HEAD + body)
    fields = ("level1", "level2", "name", "operator", "value", "unit")
    return [tuple(r.to_dict()[f] for f in fields) for r in result.rows]


def test_tab_separated_cells_with_weight_in_level_cells() -> None:
    body = "一级指标\t二级指标\t三级指标\t指标值\n产出指标（50分）\t数量指标\t培训人次\t≥500人次\n"
    assert rows(body) == [("产出指标", "数量指标", "培训人次", "≥", "500", "人次")]


def test_variant_level_names_come_from_the_ontology() -> None:
    body = (
        "一级指标 二级指标 三级指标 指标值\n"
        "项目完成指标 产出数量指标 培训人次 ≥500人次\n"
        "满意度指标 社会公众或服务对象满意度指标 学员满意度 ≥90%\n"
    )
    result = extract_text(HEAD + body)
    got = [(r.level1.canonical, r.level2.canonical, r.name) for r in result.rows]  # type: ignore[union-attr]
    assert got == [
        ("产出指标", "数量指标", "培训人次"),
        ("满意度指标", "服务对象满意度指标", "学员满意度"),
    ]
    # As written in the row output: the variant the document used.
    assert [r.to_dict()["level1"] for r in result.rows] == ["项目完成指标", "满意度指标"]


def test_2021_scheme_cost_is_a_first_level() -> None:
    body = "一级指标 二级指标 三级指标 指标值\n成本指标 经济成本指标 设备购置成本 ≤30万元\n"
    assert rows(body) == [("成本指标", "经济成本指标", "设备购置成本", "≤", "30", "万元")]


def test_operator_words_in_table_cells() -> None:
    body = "一级指标 二级指标 三级指标 指标值\n产出指标 质量指标 验收合格率 不低于95%\n"
    assert rows(body) == [("产出指标", "质量指标", "验收合格率", "≥", "95", "%")]


def test_issue2_unreadable_line_in_a_table_is_kept_with_its_offsets() -> None:
    text = HEAD + "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人次 ≥500人次\n≥≥≥\n"
    result = extract_text(text)
    assert len(result.rows) == 1
    [bad] = result.unparsed
    assert bad.text == "≥≥≥" and text[bad.start : bad.end] == "≥≥≥"


def test_named_indicator_without_target_is_an_empty_row() -> None:
    body = "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人次\n效益指标 社会效益指标 政策知晓率 ≥90%\n"
    result = extract_text(HEAD + body)
    assert [(r.name, r.target.kind, r.target.value) for r in result.rows] == [
        ("培训人次", "empty", None),
        ("政策知晓率", "number", "90"),
    ]


def test_issue2_wrapped_header_cell_is_not_a_row() -> None:
    body = "一级指标 二级指标 三级指标 指标值（包含数字及文\n字描述）\n产出指标 数量指标 培训人次 ≥500人次\n"
    assert rows(body) == [("产出指标", "数量指标", "培训人次", "≥", "500", "人次")]


def test_narrative_numbers_outside_targets_are_not_rows() -> None:
    text = "某县民政局2023年部门预算\n一、概况\n参保率稳定在98%以上，支出不超过10万元。\n"
    assert extract_text(text).rows == []


def test_levels_are_inferred_where_none_are_stated() -> None:
    text = "某市医保局2024年预算\n八、重点项目预算绩效目标情况\n(一)测试资金\n参保人数≥100人;政策知晓率≥90%;补助标准≤700元。\n"
    got = [
        (r.name, *(r.to_dict()[f] for f in ("level1", "level2", "level_source")))
        for r in extract_text(text).rows
    ]
    assert got == [
        ("参保人数", "产出指标", "数量指标", "inferred"),
        ("政策知晓率", "效益指标", "社会效益指标", "inferred"),
        ("补助标准", None, None, "unknown"),
    ]
