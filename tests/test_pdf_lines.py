"""PDF text lines: which run on into the next, measured from the glyphs' positions (issue 13).

Each test prints its own page with reportlab (a flowing paragraph the page wraps, glyphs
placed by hand for an unruled table) and reads it back through ``read_document``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pikg.parsing.pipeline import extract_file
from pikg.reading.formats import read_document

from .formats.build import pdf as write_pdf

FONT = "STSong-Light"


def _lines(path: Path) -> list[str]:
    return read_document(path).original.splitlines()


def _canvas(path: Path) -> Any:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont(FONT, 10)
    return page


FORM_FIELD = (
    "项目概况 主要用于乡镇综合文化站设备更新、基层文化骨干培训、流动图书配送和文化活动组织等"
    "支出 立项依据 根据县委宣传部关于加强基层公共文化服务体系建设的实施意见编制年度计划"
)


def test_issue13_a_wrapped_form_field_with_spaces_between_words_runs_on(tmp_path: Path) -> None:
    """A single space between Chinese words is a word space, not a cell gap: the page's
    wrap of the paragraph is undone and the field reads as the one line it was."""
    path = tmp_path / "form.pdf"
    write_pdf({"blocks": [{"p": "某某县文化馆2025年项目概况"}, {"p": FORM_FIELD}]}, path)
    assert _lines(path) == ["某某县文化馆2025年项目概况", FORM_FIELD]


def test_issue13_a_page_number_under_a_wrapped_line_is_not_its_end(tmp_path: Path) -> None:
    """The last line before the page's foot reaches the right edge; the page number under
    it is furniture, not the end of its sentence (nor a row's value)."""
    path = tmp_path / "numbered.pdf"
    write_pdf({"blocks": [{"p": FORM_FIELD + FORM_FIELD}]}, path)
    lines = _lines(path)
    assert lines == [FORM_FIELD + FORM_FIELD]


def test_issue13_short_lines_on_a_page_of_their_own_stay_lines(tmp_path: Path) -> None:
    """A form printed one cell a line: on a page with no prose the longest short line is not
    the text's right edge; the document's widest line is."""
    cells = ["一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "送书下乡批次"]
    path = tmp_path / "cells.pdf"
    page = _canvas(path)
    page.drawString(
        60, 780, "某某县图书馆2025年项目支出绩效目标表，单位：万元，填报日期：2025年1月"
    )
    page.showPage()
    page.setFont(FONT, 10)
    for i, text in enumerate(cells):
        page.drawString(60, 780 - 16 * i, text + ("（必填）" if i % 2 else ""))
    page.save()
    lines = _lines(path)
    assert lines[1:] == [t + ("（必填）" if i % 2 else "") for i, t in enumerate(cells)]


def test_issue13_a_row_of_an_unruled_table_is_not_run_on(tmp_path: Path) -> None:
    """Cells placed apart (gaps of several characters) reaching the right edge are a row."""
    path = tmp_path / "unruled.pdf"
    page = _canvas(path)
    page.drawString(60, 780, "某某县图书馆2025年项目支出绩效目标表，单位名称：某某县图书馆（盖章）")
    for y, cells in (
        (760, ("产出指标", "数量指标", "送书下乡批次", "≥6批次")),
        (744, ("", "质量指标", "图书验收合格率", "100%")),
    ):
        for x, text in zip((60, 150, 250, 480), cells, strict=True):
            page.drawString(x, y, text)
    page.save()
    assert _lines(path)[1:] == [
        "产出指标 数量指标 送书下乡批次 ≥6批次",
        "质量指标 图书验收合格率 100%",
    ]


def test_issue13_a_number_wrapped_in_a_narrow_cell_is_one_number(tmp_path: Path) -> None:
    """A Word table printed with narrow columns wraps cells over several lines; a number
    cut by the wrap (a date range, a sum) joins without a space, words with one."""
    spec = {
        "blocks": [
            {"p": "某某县图书馆2025年项目支出绩效目标表"},
            {
                "table": {
                    "rows": [
                        ["一级指标", "二级指标", "三级指标", "指标值"],
                        ["产出指标", "时效指标", "图书配送完成时间", "2025.1.1-2025.12.31"],
                        ["", "成本指标", "图书购置费用", "≤1234567.89元"],
                        ["", "数量指标", "配送图书种类", "children books 300种"],
                    ],
                    "merges": [[1, 0, 3, 0]],
                }
            },
        ],
        "pdf": {"widths_mm": [30, 30, 40, 16]},
    }
    path = tmp_path / "narrow.pdf"
    write_pdf(spec, path)
    rows = extract_file(path).rows
    assert [(r.name, r.target.value) for r in rows] == [
        ("图书配送完成时间", "2025.1.1-2025.12.31"),
        ("图书购置费用", "1234567.89"),
        ("配送图书种类", "children books 300种"),
    ]
