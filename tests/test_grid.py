"""Table rows read by position under their table's own header (issue 13, parsing/grid.py).

Each test lays out a document as the format readers hand it on (paragraphs and tables of
cells), renders it as they do and extracts it, so only the cells decide the columns.
"""

from __future__ import annotations

from pikg.model import Extraction
from pikg.parsing.pipeline import extract_source
from pikg.reading.layout import Cell, Layout, Paragraph, Table, grid_from_cells
from pikg.reading.render import render

TITLE = [
    Paragraph("某某县文化和旅游局2025年项目支出绩效目标表"),
    Paragraph("项目名称：乡村文化站提升"),
]


def _table(rows: list[list[str]], index: int = 0) -> Table:
    cells = [Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row) if text]
    return Table(grid_from_cells(cells), index=index)


def _extract(*blocks: Paragraph | Table) -> Extraction:
    return extract_source(render(Layout("html", [*TITLE, *blocks]), "page.html"))


def _rows(result: Extraction) -> list[tuple[object, ...]]:
    return [
        (r.level1.label if r.level1 else None, r.name, r.target.operator_written, r.target.value)
        for r in result.rows
    ]


def test_issue13_an_empty_operator_cell_stays_an_empty_column() -> None:
    result = _extract(
        _table(
            [
                ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
                ["产出指标", "数量指标", "文化站提升个数", "≥", "12", "个"],
                ["效益指标", "社会效益指标", "群众文化生活", "", "更加丰富", ""],
                ["", "", "文化活动场次", "≥", "40", "场"],
            ]
        )
    )
    assert _rows(result) == [
        ("产出指标", "文化站提升个数", "≥", "12"),
        ("效益指标", "群众文化生活", None, "更加丰富"),
        ("效益指标", "文化活动场次", "≥", "40"),
    ]
    assert [r.target.unit for r in result.rows] == ["个", None, "场"]
    assert result.unparsed == []


def test_issue13_an_empty_value_cell_keeps_the_explanation_apart() -> None:
    result = _extract(
        _table(
            [
                ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
                ["产出指标", "数量指标", "送书下乡批次", "≥6批", "按配送单计"],
                ["", "质量指标", "图书更新比例", "", "以年度盘点为准"],
                ["满意度指标", "服务对象满意度指标", "读者满意度", "≥90%", ""],
            ]
        )
    )
    assert _rows(result) == [
        ("产出指标", "送书下乡批次", "≥", "6"),
        ("产出指标", "图书更新比例", None, None),
        ("满意度指标", "读者满意度", "≥", "90"),
    ]
    assert result.rows[1].target.kind == "empty"


def test_issue13_a_row_copied_without_its_merged_cells_is_read_shifted() -> None:
    """A table copied from a page that dropped the cells its rowspans covered."""
    result = _extract(
        _table(
            [
                ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "新建图书角", "≥30个"],
                ["配送图书册数", "≥6000册"],
                ["质量指标", "图书验收合格率", "100%"],
            ]
        )
    )
    assert [(r.level2.label if r.level2 else None, r.name) for r in result.rows] == [
        ("数量指标", "新建图书角"),
        ("数量指标", "配送图书册数"),
        ("质量指标", "图书验收合格率"),
    ]


def test_issue13_rows_of_another_kind_of_table_are_not_indicators() -> None:
    result = _extract(
        _table(
            [
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "培训基层文化骨干", "≥200人次"],
                ["序号", "乡镇", "文化站名称", "补助标准", "补助金额"],
                ["1", "东乡镇", "东乡镇综合文化站", "5", "5"],
            ]
        )
    )
    assert [r.name for r in result.rows] == ["培训基层文化骨干"]
    assert result.unparsed == []


def test_issue13_a_table_continued_without_its_header_keeps_the_columns() -> None:
    """A table split over two pages whose parts were not joined: the second part has the
    first part's width and no header of its own."""
    header = ["一级指标", "二级指标", "三级指标", "计算符号", "指标值"]
    result = _extract(
        _table([header, ["产出指标", "数量指标", "修缮文化站", "=", "8"]], 0),
        _table(
            [["", "", "新增文化活动室", "", "4"], ["满意度指标", "", "群众满意度", "≥", "90%"]], 1
        ),
    )
    assert _rows(result) == [
        ("产出指标", "修缮文化站", "=", "8"),
        ("产出指标", "新增文化活动室", None, "4"),
        ("满意度指标", "群众满意度", "≥", "90"),
    ]
    assert [r.table for r in result.rows] == [0, 1, 1]


def _levels(result: Extraction) -> list[tuple[object, ...]]:
    return [
        (r.level1.label if r.level1 else None, r.level2.label if r.level2 else None, r.name)
        for r in result.rows
    ]


def test_issue13_a_row_named_by_its_second_level_stands_under_it() -> None:
    """指标类型 | 指标名称 | 指标值: a form whose rows are named by their 二级 alone."""
    result = _extract(
        _table(
            [
                ["指标类型", "指标名称", "指标值", "指标描述"],
                ["产出指标", "数量指标", "120个", "完成120个文化站的设备更新"],
                ["质量指标", "100%", "设备验收全部合格"],
                ["效益指标", "社会效益指标", "是", "群众文化活动更加便利"],
            ]
        )
    )
    assert _levels(result) == [
        ("产出指标", "数量指标", "数量指标"),
        ("产出指标", "质量指标", "质量指标"),
        ("效益指标", "社会效益指标", "社会效益指标"),
    ]


def test_issue13_a_second_level_stays_under_the_first_level_the_table_states() -> None:
    """满意度 in the 二级 column of a 效益指标 block (the older framework's place for it):
    the table's 一级 cell, written once above, keeps it; it is not moved to 满意度指标."""
    result = _extract(
        _table(
            [
                ["一级指标", "二级指标", "指标名称", "目标值"],
                ["产出指标", "产出数量", "培训基层文化骨干", "200人次"],
                ["效益指标", "社会效益", "群众文化参与率", "60%及以上"],
                ["", "满意度", "参训学员满意度", "95%及以上"],
            ]
        )
    )
    assert _levels(result)[-1] == ("效益指标", "满意度", "参训学员满意度")
