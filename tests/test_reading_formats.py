"""The format readers one by one: sniffing, cell values, charsets, chrome, page breaks, scans,
missing extras and converters (issue 13)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal
from typer.testing import CliRunner

import pikg
from pikg.cli import app
from pikg.errors import UNREADABLE, DocumentError
from pikg.graph.mapping import map_extractions, triples
from pikg.namespace import PIK
from pikg.parsing.pipeline import extract_file
from pikg.reading import ocr, pdf
from pikg.reading.formats import read_document
from pikg.reading.layout import Cell, Paragraph, grid_from_cells
from pikg.reading.render import one_line
from pikg.reading.sniff import sniff

from .formats.build import docx as write_docx
from .formats.build import xlsx as write_xlsx

TABLE_SPEC = {
    "before": ["某某市体育局2026年项目支出绩效目标表", "项目名称：全民健身设施维护"],
    "tables": [
        {
            "rows": [
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "维护健身路径数量", "≥40个"],
                ["", "", "维护器材件数", "≥600件"],
                ["满意度指标", "服务对象满意度指标", "健身群众满意度", "≥90%"],
            ],
            "merges": [[1, 0, 2, 0], [1, 1, 2, 1]],
        }
    ],
}


def _scanned_pdf(path: Path) -> None:
    """A PDF whose only page is a picture of text: what a scanner produces."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (800, 200), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 760, 160), outline="black", width=4)
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawImage(ImageReader(image), 50, 500, width=400, height=100)
    page.save()


@pytest.mark.parametrize(
    ("writer", "fmt"), [(write_xlsx, "xlsx"), (write_docx, "docx")], ids=["xlsx", "docx"]
)
def test_format_is_sniffed_from_content_not_name(
    writer: Callable[[dict[str, Any], Path], None], fmt: str, tmp_path: Path
) -> None:
    path = tmp_path / "download.txt"  # a misleading name, as downloads often have
    writer(TABLE_SPEC, path)
    assert sniff(path.read_bytes()) == fmt
    assert read_document(path).format == fmt


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"),
        (b"  <table><tr><td>a</td></tr></table>", "html"),
        (b"{\\rtf1\\ansi", "rtf"),
        ("一级指标 | 二级指标".encode("gbk"), "text"),
        (b"<http://a> <http://b> <http://c> .", "text"),
    ],
)
def test_sniff(head: bytes, fmt: str) -> None:
    assert sniff(head) == fmt


def test_spreadsheet_values_as_the_sheet_shows_them(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["完成时间", dt.datetime(2026, 11, 30), "合格率", 0.95, "人数", 1200.0, "金额", 12.5]
    )
    sheet["D1"].number_format = "0%"
    path = tmp_path / "values.xlsx"
    book.save(path)
    line = read_document(path).original
    assert line == "完成时间 | 2026-11-30 | 合格率 | 95% | 人数 | 1200 | 金额 | 12.5"


def test_old_excel_dates_are_converted_from_serials(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("表1")
    sheet.write(0, 0, "完成时间")
    sheet.write(0, 1, dt.datetime(2025, 6, 30), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    sheet.write(0, 2, 0.9, xlwt.easyxf(num_format_str="0%"))
    path = tmp_path / "dates.xls"
    book.save(str(path))
    assert read_document(path).original == "完成时间 | 2025-06-30 | 90%"


def test_cells_and_provenance_are_on_the_source(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_xlsx(TABLE_SPEC, path)
    source = read_document(path)
    (table,) = source.tables
    level = table.grid[3][0]  # the first indicator row; the 产出指标 cell is merged down
    assert level is not None and level is table.grid[4][0]
    assert (level.text, level.row, level.rowspan, level.ref) == ("产出指标", 3, 2, "A4")
    second = source.line_at(source.original.index("维护器材件数"))
    assert second is not None and (second.sheet, second.cells, second.row) == (
        "绩效目标表",
        "A5:D5",
        4,
    )


def test_provenance_reaches_the_rdf(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_xlsx(TABLE_SPEC, path)
    graph = triples(map_extractions([extract_file(path)]))
    cells = {o for _, p, o in graph if p == PIK.sourceCells}
    assert cells == {Literal("A4:D4"), Literal("A5:D5"), Literal("A6:D6")}
    assert {o for _, p, o in graph if p == PIK.sourceSheet} == {Literal("绩效目标表")}


def test_issue13_a_table_row_keeps_its_blank_cells_to_the_table_width(tmp_path: Path) -> None:
    """A row stays as wide as its table (中期 and 年度 halves side by side read as text
    copied from the table does); a title or a note in one cell is a line of its own."""
    spec = {
        "blocks": [
            {"p": "某某县交通运输局2025年项目支出绩效目标表"},
            {
                "table": {
                    "rows": [
                        ["一级指标", "二级指标", "三级指标", "指标值", "指标说明", "备注"],
                        ["产出指标", "数量指标", "改造农村公路里程", "≥12公里", "", ""],
                        ["注：指标值以验收为准", "", "", "", "", ""],
                    ]
                }
            },
        ]
    }
    path = tmp_path / "t.xlsx"
    write_xlsx(spec, path)
    lines = read_document(path).original.splitlines()
    assert lines[2:] == [
        "产出指标 | 数量指标 | 改造农村公路里程 | ≥12公里 |  | ",
        "注：指标值以验收为准",
    ]


def test_wrapped_cell_text_joins_without_spaces_in_chinese() -> None:
    assert one_line("城乡低保资金\n发放月数") == "城乡低保资金发放月数"
    assert one_line("Project\nname | 2") == "Project name ¦ 2"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8"])
@pytest.mark.parametrize("declared", [True, False])
def test_web_page_charset(encoding: str, declared: bool, tmp_path: Path) -> None:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
    page = (
        f"<html><head>{meta if declared else ''}<title>某某区卫生健康局2025年绩效目标</title>"
        "</head><body><ul class='main-nav'><li>首页</li><li>信息公开</li></ul>"
        "<table><tr><td rowspan='2'>产出指标</td><td>数量指标</td><td>接种人次</td><td>≥8000人次</td></tr>"
        "<tr><td colspan='2'>质量指标 接种率</td><td>≥95%</td></tr></table>"
        "<footer>版权所有 某某区人民政府</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(encoding))
    source = read_document(path)
    assert source.original.splitlines() == [
        "某某区卫生健康局2025年绩效目标",
        "产出指标 | 数量指标 | 接种人次 | ≥8000人次",
        "产出指标 | 质量指标 接种率 | ≥95%",
    ]
    assert source.chrome == ("首页 信息公开", "版权所有 某某区人民政府")
    assert source.format == "html"


def test_a_wrong_charset_declaration_falls_back_to_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    page = '<html><head><meta charset="utf-8"></head><body><p>某某县财政局</p></body></html>'
    path.write_bytes(page.encode("gbk"))
    assert read_document(path).original == "某某县财政局"


def _cell(text: str, row: int, col: int, rowspan: int = 1) -> Cell:
    return Cell(text, row, col, rowspan)


def test_a_merged_cell_cut_by_a_page_break_is_made_whole() -> None:
    """The level cell's text was printed in its part on the second page only."""
    first = pdf._Part(
        grid_from_cells(
            [
                _cell("一级指标", 0, 0),
                _cell("三级指标", 0, 1),
                _cell("", 1, 0, rowspan=2),
                _cell("培训人次", 1, 1),
                _cell("覆盖乡镇数", 2, 1),
            ]
        ),
        page=1,
    )
    second = pdf._Part(
        grid_from_cells(
            [
                _cell("一级指标", 0, 0),
                _cell("三级指标", 0, 1),
                _cell("产出指标", 1, 0, rowspan=2),
                _cell("验收合格率", 1, 1),
                _cell("完成及时率", 2, 1),
            ]
        ),
        page=2,
    )
    table = pdf._join([first, second], index=0)
    rows = [[c.text if c else "" for c in row] for row in table.grid]
    assert rows == [
        ["一级指标", "三级指标"],
        ["产出指标", "培训人次"],
        ["产出指标", "覆盖乡镇数"],
        ["产出指标", "验收合格率"],
        ["产出指标", "完成及时率"],
    ]
    assert table.pages == (1, 1, 1, 2, 2)


def _fill(slack: float, room: float = 1.0, lead: float = 10.0, lines: int = 1) -> Any:
    return pdf._Fill(slack=slack, room=room, lead=lead, size=10.0, lines=lines, pitch=15.0)


def _cut_parts(above: list[tuple[str, Any]], below: list[tuple[str, Any]]) -> tuple[Any, Any]:
    """A part ending with one row and the next page's part opening with one, each cell's
    text with how it fills its box."""
    a = grid_from_cells([_cell(t, 0, c) for c, (t, _) in enumerate(above)])
    b = grid_from_cells([_cell(t, 0, c) for c, (t, _) in enumerate(below)])
    fills_a = {(0, c): f for c, (_, f) in enumerate(above) if f is not None}
    fills_b = {(0, c): f for c, (_, f) in enumerate(below) if f is not None}
    return pdf._Part(a, 1, fills=fills_a), pdf._Part(b, 2, fills=fills_b)


@pytest.mark.parametrize(
    ("above", "below", "rows"),
    [
        pytest.param(  # the name filled its cell to the foot of the page and runs on
            [("产出指标", _fill(30)), ("受益群众对农村", _fill(4, lines=2)), ("≥90%", _fill(20))],
            [("", None), ("供水的满意度", _fill(20)), ("", None)],
            [["产出指标", "受益群众对农村供水的满意度", "≥90%"]],
            id="cut",
        ),
        pytest.param(  # the name ended with room for the next word: the next row is its own
            [("产出指标", _fill(30)), ("农村自来水普及率", _fill(25)), ("≥92%", _fill(20))],
            [("", None), ("受益人口数量", _fill(20)), ("≥4万人", _fill(20))],
            [["产出指标", "农村自来水普及率", "≥92%"], ["", "受益人口数量", "≥4万人"]],
            id="room-at-the-end",
        ),
        pytest.param(  # room for two more lines below the text: not cut
            [("产出指标", _fill(30)), ("农村自来水", _fill(2, room=40)), ("≥92%", _fill(20))],
            [("", None), ("受益人口数量", _fill(20)), ("", None)],
            [["产出指标", "农村自来水", "≥92%"], ["", "受益人口数量", ""]],
            id="room-below",
        ),
        pytest.param(  # one full line above another: two labels in a narrow column
            [("二级指标", _fill(3))],
            [("三级指标", _fill(3))],
            [["二级指标"], ["三级指标"]],
            id="two-labels",
        ),
        pytest.param(  # two cells go on: the row was cut after its first line
            [("一级指", _fill(3)), ("二级指", _fill(3)), ("指标值", _fill(3))],
            [("标", _fill(30)), ("标", _fill(30)), ("", None)],
            [["一级指标", "二级指标", "指标值"]],
            id="header-cut",
        ),
    ],
)
def test_issue13_a_row_cut_by_a_page_break_is_one_row(
    above: list[tuple[str, Any]], below: list[tuple[str, Any]], rows: list[list[str]]
) -> None:
    table = pdf._join(list(_cut_parts(above, below)), index=0)
    assert [[c.text if c else "" for c in row] for row in table.grid] == rows
    assert table.pages == (1, 2)[: len(rows)]


def _chars(*runs: tuple[str, float, str]) -> list[dict[str, Any]]:
    """Glyphs 10 pt wide set left to right: each run (text, gap before it, font)."""
    chars, x = [], 0.0
    for text, gap, font in runs:
        x += gap
        for ch in text:
            chars.append({"text": ch, "x0": x, "x1": x + 10, "size": 10.0, "fontname": font})
            x += 10
    return chars


@pytest.mark.parametrize(
    ("runs", "spaces", "text"),
    [
        # LibreOffice's autospace between Chinese and Latin text is no space
        ((("资金", 0, "CJK"), ("35", 2, "Latin"), ("万元", 2, "CJK")), None, "资金35万元"),
        ((("98.79", 0, "Latin"), ("%", 2, "CJK")), None, "98.79%"),
        ((("资金", 0, "CJK"), ("35", 2, "Latin"), ("万元", 2, "CJK")), [], "资金35万元"),
        # a gap between two Latin words of one font is a space where none is written
        ((("total", 0, "Latin"), ("cost", 3, "Latin")), None, "total cost"),
        # a written space that justification stretched is a space, not two columns
        ((("电话:0534", 0, "Latin"), ("邮箱", 40, "CJK")), [75.0], "电话:0534 邮箱"),
        ((("项目名称", 0, "CJK"), ("金额", 40, "CJK")), None, "项目名称  金额"),
    ],
)
def test_issue13_pdf_spacing_from_glyph_positions(
    runs: tuple[tuple[str, float, str], ...], spaces: list[float] | None, text: str
) -> None:
    assert pdf._line_text(_chars(*runs), pdf.SETTINGS, spaces)[0] == text


def _line(text: str, x1: float, top: float, lead: float = 10.0) -> Any:
    return pdf._Line(text, 1, x1, 10.0, False, top=top, lead=lead)


@pytest.mark.parametrize(
    ("line", "after", "runs_on"),
    [
        (_line("根据省财政厅文件精神，现下达", 500, 100), _line("专项资金", 0, 115), True),
        # the next line's first word would have fitted: the writer ended the line
        (_line("产出指标 数量指标 覆盖率", 470, 100), _line("各类书籍", 0, 115), False),
        # a long number would not have fitted in the room left
        (_line("反映成本控制情况", 440, 100), _line("≤100%100%产出", 0, 115, lead=70), True),
        # set a paragraph's space below the line before: a paragraph of its own
        (_line("产出指标 数量指标 供应时效 100%", 500, 100), _line("确保日常", 0, 125), False),
    ],
)
def test_issue13_a_line_runs_on_where_the_page_wrapped_it(
    line: Any, after: Any, runs_on: bool
) -> None:
    pitches = {10.0: 15.0}
    assert pdf._runs_on(line, after, 505, pitches, pdf.SETTINGS) is runs_on


def test_tables_on_the_same_page_are_not_joined() -> None:
    a = pdf._Part(grid_from_cells([_cell("项目名称", 0, 0), _cell("甲项目", 0, 1)]), page=1)
    b = pdf._Part(grid_from_cells([_cell("一级指标", 0, 0), _cell("指标值", 0, 1)]), page=1)
    blocks = pdf._assemble([[a, Paragraph("说明", 1), b]], pdf.SETTINGS)
    assert [type(x).__name__ for x in blocks] == ["Table", "Paragraph", "Table"]


def test_a_scanned_pdf_is_one_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    _scanned_pdf(tmp_path / "scan.pdf")
    write_xlsx(TABLE_SPEC, tmp_path / "table.xlsx")
    result = CliRunner().invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == UNREADABLE
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["name"] for r in rows] == ["维护健身路径数量", "维护器材件数", "健身群众满意度"]
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"error: {tmp_path / 'scan.pdf'}: page 1: {pdf.SCANNED}")
    assert result.stderr.splitlines()[-1] == "read 1 document (xlsx 1): 3 rows; 1 failed"


@pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr with chi_sim is not installed")
def test_ocr_reads_a_scanned_page(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    fonts = [p for p in Path("/usr/share/fonts").rglob("*") if p.suffix in (".ttc", ".ttf")]
    chinese = [p for p in fonts if "wqy" in p.name.lower() or "cjk" in p.name.lower()]
    if not chinese:
        pytest.skip("no Chinese font (fonts-wqy-zenhei) to draw the scanned page with")
    image = Image.new("L", (2000, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.text(
        (40, 80), "群众满意度 不低于90%", fill=0, font=ImageFont.truetype(str(chinese[0]), 96)
    )
    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawImage(ImageReader(image), 30, 500, width=530, height=80)
    page.save()
    text = read_document(path, ocr=True).original
    assert "满意度" in text and "90%" in text


def test_a_missing_extra_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.xlsx"
    write_xlsx(TABLE_SPEC, path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert str(info.value).startswith(
        f"{path}: reading it needs the office extra: pip install 'pikg[office]'"
    )


def test_old_word_without_libreoffice_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.doc"
    # The start of a compound document with a WordDocument stream named in its directory.
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le")
    )
    monkeypatch.setattr("shutil.which", lambda _: None)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    message = str(info.value)
    assert "needs LibreOffice" in message and "apt-get install libreoffice-writer-nogui" in message
    assert "\n" not in message


def test_a_damaged_pdf_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def test_jobs_give_the_same_result_in_the_same_order(tmp_path: Path) -> None:
    for i in range(3):
        write_xlsx(TABLE_SPEC, tmp_path / f"t{i}.xlsx")
        write_docx(TABLE_SPEC, tmp_path / f"t{i}.docx")
    one, two = pikg.extract(tmp_path, jobs=1), pikg.extract(tmp_path, jobs=2)
    assert [r.to_dict() for r in two.rows] == [r.to_dict() for r in one.rows]
    assert len(one.rows) == 18
    assert one.summary().line() == "read 6 documents (docx 3, xlsx 3): 18 rows; 0 failed"


def test_a_table_caption_is_kept_as_a_line(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    page = (
        "<html><body><table><caption>某某镇人民政府2024年项目绩效目标表</caption>"
        "<tr><th>三级指标</th><th>指标值</th></tr><tr><td>道路硬化里程</td><td>≥3公里</td></tr>"
        "</table></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    assert read_document(path).original.splitlines() == [
        "某某镇人民政府2024年项目绩效目标表",
        "三级指标 | 指标值",
        "道路硬化里程 | ≥3公里",
    ]
