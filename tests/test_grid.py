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
