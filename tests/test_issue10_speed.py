"""Issue 10's speed point: what extraction does to the interpreter to stay linear and fast.

The figures themselves are printed by ``bench/throughput.py``; these tests hold the
behaviour the speed-ups rely on.
"""

from __future__ import annotations

import gc
import re
from decimal import Decimal

import pytest

from pikg import extract_text
from pikg.parsing import concepts, framework, layouts, lexicon, pipeline, segment, targets, tokens
from pikg.parsing.fields import read_fields
from pikg.parsing.ledger import Ledger
from pikg.parsing.targets import parse_target
from pikg.parsing.tokens import Cell, Line
from pikg.reading.decode import normalise

TABLE = "三、绩效指标\n一级指标|二级指标|三级指标|指标值\n产出指标|数量指标|培训人次|≥200人次\n"


def test_issue10_cycle_collection_is_off_during_extraction_and_back_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    read_block = pipeline._read_block

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return read_block(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_read_block", spy)
    assert gc.isenabled()
    rows = extract_text(TABLE).rows
    assert [r.name for r in rows] == ["培训人次"]
    assert seen and not any(seen)
    assert gc.isenabled()


def test_issue10_a_caller_that_turned_collection_off_keeps_it_off() -> None:
    gc.disable()
    try:
        extract_text(TABLE)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_issue10_collection_is_back_after_a_failed_extraction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("a reader failed")

    monkeypatch.setattr(pipeline, "_read_block", broken)
    with pytest.raises(RuntimeError):
        extract_text(TABLE)
    assert gc.isenabled()


def _scheme(*variants: str) -> concepts.ConceptScheme:
    recorded = [
        concepts.Recorded(f"urn:c{i}", v, frozenset({"ratio"}), frozenset({v}))
        for i, v in enumerate(variants)
    ]
    return concepts.ConceptScheme(
        tuple(recorded), {(v, "ratio"): r for v, r in zip(variants, recorded, strict=True)}
    )


def test_issue10_a_name_no_variant_can_reach_is_never_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    known = _scheme("群众满意度", "资金到位率")
    cut: list[str] = []
    words = concepts.tokens

    def spy(text: str) -> frozenset[str]:
        cut.append(text)
        return words(text)

    monkeypatch.setattr(concepts, "tokens", spy)
    assert len(known.by_tokens) == 2  # the variants are cut once, when first compared
    cut.clear()
    assert known.closest("道路硬化里程", "ratio") is None
    assert known.closest("服务对象满意度", "ratio") is None  # shares 满意度 only: below the bar
    assert cut == []
    assert known.closest("社区群众满意度", "ratio") is None  # could reach, so cut and compared
    assert cut == ["社区群众满意度"]
    assert known.closest("群众的满意度", "ratio") == known.concepts[0]  # 的 is a stopword
    assert known.closest("群众的满意度", "count") is None  # another dimension


def test_issue10_a_prose_line_is_not_cut_into_cells_to_learn_it_marks_no_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cut: list[str] = []
    cell_kinds = tokens.cell_kinds

    def spy(text: str) -> tuple[Cell, ...]:
        cut.append(text)
        return cell_kinds(text)

    monkeypatch.setattr(layouts, "cell_kinds", spy)
    layouts._marks_table.cache_clear()
    prose = Line(0, 30, "全年完成农村公路养护里程不少于三百公里，群众出行更加便捷。")
    assert not layouts.has_table([prose])
    # the characters of 指标标准, 指标值 and 数值, none of these words whole
    listed = Line(0, 30, "数量指标：培训人次达到省定标准(≥200人次)，值班人员到岗率100%")
    assert not layouts.has_table([listed])
    assert cut == []
    header = Line(0, 20, "绩效指标 年度(程)指标值（包含数字及文字描述）")
    assert layouts.has_table([header])
    assert cut == [header.text]
    levels = Line(0, 12, "产出指标\t数量指标\t养护里程")  # a row of levels between tabs
    assert layouts.has_table([levels])


def test_issue10_level_inference_cuts_only_a_name_ending_in_a_cue_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fw = framework.load()
    cut: list[str] = []
    head_word = segment.head_word

    def spy(name: str) -> str | None:
        cut.append(name)
        return head_word(name)

    monkeypatch.setattr(segment, "head_word", spy)
    assert segment.infer_levels("农村道路养护工程", None, fw, "2015") == (None, None)
    assert segment.infer_levels("满意度调查覆盖乡镇", None, fw, "2015") == (None, None)
    assert cut == []
    l1, l2 = segment.infer_levels("受益群众满意度。", None, fw, "2015")
    assert cut == ["受益群众满意度。"]
    assert l2 is not None and l2.key == "service-satisfaction"
    assert l1 is not None and l1.depth == 1


def test_issue10_a_vocabulary_cell_is_read_once_a_name_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[str] = []
    reading = tokens._reading

    def spy(key: str) -> tokens.Reading:
        read.append(key)
        return reading(key)

    monkeypatch.setattr(tokens, "_reading", spy)
    monkeypatch.setattr(tokens, "_vocabulary", {})
    first = tokens.classify(" 产出指标 ", 10, 16, 3)
    again = tokens.classify("产出指标", 40, 44, 7)
    assert [first.kind, again.kind] == ["level", "level"] and first.levels == again.levels
    assert (again.start, again.end, again.line, again.text) == (40, 44, 7, "产出指标")
    assert [tokens.classify("≥", 0, 1, 0).kind for _ in range(2)] == ["op", "op"]
    names = [tokens.classify("农村公路养护里程", 0, 8, 0).kind for _ in range(2)]
    assert names == ["text", "text"]
    assert read == ["产出指标", "≥", "农村公路养护里程", "农村公路养护里程"]


def test_issue10_a_target_under_another_name_is_read_once_unless_the_name_names_a_time() -> None:
    assert parse_target("12月", "资金到位时间").kind == "date"
    assert parse_target("12月", "培训月数").kind == "number"
    assert parse_target("≥95%", "验收合格率") is parse_target("≥95%", "受益群众满意度")
    assert parse_target("≥95%", "验收合格率").lower == Decimal(95)


def test_issue10_the_flat_operator_pattern_finds_what_the_grouped_one_did() -> None:
    grouped = re.compile(rf"(?:{targets.SYMBOL})|(?:{targets.PRE_WORD})\s*(?=\d)")
    texts = ["群众满意度不低于90%", "培训人次>=200人次", "不低于标准", "覆盖率达到 95%", "≤3天、=1"]
    for text in texts:
        flat = [m.span() for m in targets._OPERATOR_AT.finditer(text)]
        assert flat == [m.span() for m in grouped.finditer(text)]
    assert targets.locate("群众满意度不低于90%") == 5
    assert targets.locate("培训人次≥200人次") == 4
    assert targets.locate("不低于标准") is None
    assert targets.locate("设备使用年限5年") == 6  # glued, found by the tail with a digit
    assert targets.locate("设备使用年限长") is None  # no digit: the tail is never searched


def test_issue10_a_generic_field_label_still_counts_only_at_a_cell_start() -> None:
    found = read_fields("来源：某某县财政局\n资金来源：省级财政\n| 来源：市级 |")
    assert [(f.key, f.value, f.start) for f in found] == [
        ("publisher", "某某县财政局", 3),
        ("publisher", "市级", 25),
    ]


def test_issue10_folding_substitutes_only_the_characters_that_fold() -> None:
    text, origin = normalise("指标值：（≥９０％）；完成")
    assert text == "指标值:(≥90%);完成"
    assert origin.folded == ()  # one character for one: no breakpoint


def test_issue10_header_roles_read_without_a_period_or_bracket_stay_the_same() -> None:
    lex = lexicon.load()
    assert lex.header_role("2023年目标值") == ("value", "2023")
    assert lex.header_role("全年指标值") == ("value", "full")
    assert lex.header_role("指标值（%）") == ("value", None)
    assert lex.header_role("某某完成率") is None


def test_issue10_the_column_views_follow_each_new_header() -> None:
    reader = layouts.TableReader("2021", Ledger(), lambda cand: None)
    assert reader.data_columns() == layouts.DEFAULT_COLUMNS
    reader.columns = (("l1", None), ("name", None), ("value", None), ("unit", None))
    views = reader.views()
    assert views.data == (("name", None), ("value", None), ("unit", None))
    assert (views.after_name, views.targets) == (("value", "unit"), 1)
    assert reader.views() is views  # the same header: worked out once
    reader.columns += (("actual", None),)
    assert reader.views().after_name == ("value", "unit", "actual")
    assert reader.views().targets == 2
