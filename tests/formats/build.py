"""Write one document spec (paragraphs and a table with merged cells) in every file format.

A spec is ``document.json`` in a case folder::

    {"before": ["title", "单位名称：…"], "after": [...],
     "tables": [{"rows": [[cell, ...], ...], "merges": [[r0, c0, r1, c1], ...]}],
     "pdf": {"spacer_mm": 150, "widths_mm": [...]}}

Merges are inclusive grid ranges; the slots a merge covers other than its anchor are "" in
``rows``. A cell's ``\\n`` is a line break inside the cell (a wrapped name); a table's
``header_rows`` are repeated at the top of each page (reportlab, Word). A spec may give
``blocks`` instead, paragraphs (``{"p": text}``) and tables (``{"table": {...}}``) in order.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

Spec = dict[str, Any]


def _covered(table: Spec) -> dict[tuple[int, int], tuple[int, int]]:
    """Slot → (rowspan, colspan) for anchors; (0, 0) for slots hidden under a merge."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in table.get("merges", []):
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                spans[(r, c)] = (0, 0)
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
    return spans


def blocks(spec: Spec) -> list[tuple[str, Any]]:
    """The document in reading order: ("p", text) and ("table", table) items."""
    if "blocks" in spec:
        return [("p", b["p"]) if "p" in b else ("table", b["table"]) for b in spec["blocks"]]
    return (
        [("p", t) for t in spec.get("before", [])]
        + [("table", t) for t in spec["tables"]]
        + [("p", t) for t in spec.get("after", [])]
    )


def _width(spec: Spec) -> int:
    return max(
        (len(r) for kind, t in blocks(spec) if kind == "table" for r in t["rows"]), default=1
    )


def xlsx(spec: Spec, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "绩效目标表"
    row = 1
    width = _width(spec)
    seen_table = False
    for kind, item in blocks(spec):
        if kind == "p":
            sheet.cell(row, 1, item)
            if not seen_table and width > 1:  # a title over the table's width
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
            continue
        seen_table = True
        for r, cells in enumerate(item["rows"]):
            for c, text in enumerate(cells):
                if text:
                    sheet.cell(row + r, c + 1, text)
        for r0, c0, r1, c1 in item.get("merges", []):
            sheet.merge_cells(
                start_row=row + r0, start_column=c0 + 1, end_row=row + r1, end_column=c1 + 1
            )
        row += len(item["rows"]) + 1
    book.save(path)


def xls(spec: Spec, path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("绩效目标表")
    row = 0
    width = _width(spec)
    seen_table = False
    for kind, item in blocks(spec):
        if kind == "p":
            if not seen_table and width > 1:
                sheet.write_merge(row, row, 0, width - 1, item)
            else:
                sheet.write(row, 0, item)
            row += 1
            continue
        seen_table = True
        spans = _covered(item)
        for r, cells in enumerate(item["rows"]):
            for c, text in enumerate(cells):
                span = spans.get((r, c), (1, 1))
                if span == (0, 0):
                    continue
                if span == (1, 1):
                    sheet.write(row + r, c, text)
                else:
                    sheet.write_merge(row + r, row + r + span[0] - 1, c, c + span[1] - 1, text)
        row += len(item["rows"]) + 1
    book.save(str(path))


def docx(spec: Spec, path: Path) -> None:
    import docx as python_docx
    from docx.oxml import OxmlElement

    document = python_docx.Document()
    for kind, item in blocks(spec):
        if kind == "p":
            document.add_paragraph(item)
            continue
        rows = item["rows"]
        grid = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        grid.style = "Table Grid"
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                if text:
                    grid.cell(r, c).text = text
        for r0, c0, r1, c1 in item.get("merges", []):
            grid.cell(r0, c0).merge(grid.cell(r1, c1))
        for row in grid.rows[: item.get("header_rows", 0)]:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on each page
        document.add_paragraph("")
    document.save(str(path))


# The site around the content; a spec's ``html`` replaces any of these (``title``, ``head``
# for <meta> tags, ``nav`` for the navigation or breadcrumb, ``footer``).
_CHROME = {
    "title": "",
    "head": "",
    "nav": '<div class="nav"><a href="/">首页</a> | <a href="/gk">政务公开</a> | 财政预决算 | 绩效目标</div>',
    "footer": '<div id="footer">主办单位：某某市人民政府办公室 版权所有 备案号 0000000</div>',
}


def html_page(spec: Spec, charset: str) -> str:
    """A page with site chrome (navigation, footer) around the content."""
    page = {**_CHROME, **spec.get("html", {})}
    title = page.get("title") or next((t for kind, t in blocks(spec) if kind == "p"), "")
    parts = [
        f'<!DOCTYPE html><html><head><meta charset="{charset}">'
        f"<title>{html.escape(title)}</title>{page['head']}</head><body>",
        page["nav"],
    ]
    for kind, item in blocks(spec):
        if kind == "p":
            parts.append(f"<p>{html.escape(item)}</p>")
            continue
        spans = _covered(item)
        parts.append('<table border="1">')
        for r, cells in enumerate(item["rows"]):
            parts.append("<tr>")
            for c, text in enumerate(cells):
                rowspan, colspan = spans.get((r, c), (1, 1))
                if rowspan == 0:
                    continue
                attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                    f' colspan="{colspan}"' if colspan > 1 else ""
                )
                body = "<br>".join(html.escape(line) for line in text.split("\n"))
                parts.append(f"<td{attrs}>{body}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append(page["footer"])
    parts.append("</body></html>")
    return "\n".join(parts)


def html_utf8(spec: Spec, path: Path) -> None:
    path.write_bytes(html_page(spec, "utf-8").encode("utf-8"))


def html_gbk(spec: Spec, path: Path) -> None:
    path.write_bytes(html_page(spec, "gbk").encode("gbk", errors="xmlcharrefreplace"))


# The width of an A4 page's text in mm, shared by a table's columns where a spec gives none.
PAGE_MM = 170


def pdf(spec: Spec, path: Path) -> None:
    """A PDF printed by reportlab: ruled tables, header row repeated on each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    options = spec.get("pdf", {})
    story: list[Any] = []
    spaced = False
    for kind, item in blocks(spec):
        if kind == "p":
            story.append(Paragraph(html.escape(item), style))
            continue
        if not spaced:
            story.append(Spacer(1, options.get("spacer_mm", 0) * mm))
            spaced = True
        rows = [
            [Paragraph(html.escape(text).replace("\n", "<br/>"), style) for text in cells]
            for cells in item["rows"]
        ]
        columns = max(len(r) for r in item["rows"])
        widths = [w * mm for w in options.get("widths_mm", [PAGE_MM / columns] * columns)]
        commands: list[Any] = [("GRID", (0, 0), (-1, -1), 0.5, "black")]
        commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in item.get("merges", [])]
        story.append(
            RLTable(rows, colWidths=widths, repeatRows=item.get("header_rows", 0), style=commands)
        )
        story.append(Spacer(1, 6 * mm))

    def number(canvas: Any, doc: Any) -> None:
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"- {doc.page} -")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=number, onLaterPages=number)


def office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _fonts(profile: Path) -> dict[str, str]:
    """The environment that lets LibreOffice find a CJK font: the system's fonts and the Noto
    Sans CJK collection pikg depends on. Without one it sets Chinese in a Latin font whose
    missing glyph all characters share, and a PDF's text layer reads every one as the same."""
    from noto_cjk_sans_otc import FONT_PATH

    profile.mkdir(parents=True, exist_ok=True)
    config = profile / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{html.escape(str(FONT_PATH.parent))}</dir>\n"
        f"  <cachedir>{html.escape(str(profile / 'fc-cache'))}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def convert(sources: list[Path], to: str, folder: Path) -> None:
    """Files converted by LibreOffice into ``folder``, in one run (callers skip without it)."""
    binary = office()
    assert binary is not None
    profile = folder / "lo-profile"
    subprocess.run(
        [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to,
         "--outdir", str(folder), *map(str, sources)],
        check=True, capture_output=True, timeout=600, env=_fonts(profile),
    )  # fmt: skip


def doc(spec: Spec, path: Path) -> None:
    """An old-format Word file: the .docx converted by LibreOffice."""
    source = path.with_suffix(".docx")
    docx(spec, source)
    convert([source], "doc", path.parent)
    source.unlink()


def pdf_word(spec: Spec, path: Path) -> None:
    """A PDF printed from Word by LibreOffice: cells wrapped at the column widths Word
    chose, text justified, a row too tall for the page's foot cut over the page break, the
    header rows repeated where the spec marks them."""
    source = path.with_suffix(".docx")
    docx(spec, source)
    convert([source], "pdf", path.parent)
    source.unlink()


BUILDERS = {
    "xlsx": xlsx,
    "xls": xls,
    "docx": docx,
    "pdf": pdf,
    "html-utf8": html_utf8,
    "html-gbk": html_gbk,
    "doc": doc,
    "pdf-word": pdf_word,
}
SUFFIX = {"html-utf8": "html", "html-gbk": "htm", "pdf-word": "pdf"}
NEEDS_OFFICE = frozenset({"doc", "pdf-word"})
