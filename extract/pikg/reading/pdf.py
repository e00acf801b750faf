"""PDF reports through pdfplumber: text lines and ruled tables in page order.

A table that runs on over a page break is joined into one, its repeated header row dropped
and a merged cell cut by the break made whole again. A page with no text layer (a scan) is
read through OCR when asked, else the file is reported as needing it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pikg.errors import DocumentError
from pikg.reading import ocr as ocr_module
from pikg.reading.extras import needs
from pikg.reading.layout import Block, Cell, Layout, Paragraph, Table, grid_from_cells
from pikg.reading.render import one_line

SCANNED = "no text layer: scanned page, needs OCR"
_PAGE_NUMBER = re.compile(
    r"^\s*[-—－]*\s*(?:第\s*\d+\s*页(?:\s*[,，/共]\s*\d+\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?)\s*[-—－]*\s*$"
)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_NUMBER_CUT = re.compile(r"\d[.,:/\-~]?$")  # a line ending inside a number
# A line opening with a heading number starts a paragraph even after a full line.
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．](?!\d))"
)


@dataclass(frozen=True)
class PdfSettings:
    """Thresholds of text-line assembly, in multiples of the font size."""

    space_gap: float = 0.15  # a gap this wide between two characters is a space
    column_gap: float = 1.5  # a gap this wide is a column break, written as two spaces
    # A table continues on the next page only if it ends and restarts this close (a fraction
    # of the page height) to the page's bottom and top.
    break_margin: float = 0.25
    # A line of prose ending this close (in font sizes) to the text's right edge was wrapped
    # by the page, not by the writer: it runs on into the next line.
    wrap_margin: float = 4.0
    # A page number standing this close (a fraction of the page height) to the page's top or
    # bottom is the page's furniture, not its text: a line before it does not run on into it.
    furniture_margin: float = 0.1


SETTINGS = PdfSettings()


@dataclass
class _Part:
    """A table found on one page, before joining: rows of cells and their page."""

    grid: tuple[tuple[Cell | None, ...], ...]
    page: int
    above: float = 0.0  # room left above and below the table, as fractions of the page
    below: float = 0.0


def _line_text(
    chars: list[dict[str, Any]], settings: PdfSettings, spaces: list[float] | None
) -> tuple[str, bool]:
    """A line's text and whether it has a column break (a gap between glyphs wider than
    ``column_gap``). Where the file writes its spaces as characters (``spaces``: their
    centres on this line), a gap is a space only where one stands: a writer's spacing
    between Chinese and Latin text (LibreOffice's autospace) is as wide as a space but is
    none. Where it writes none, a gap wider than ``space_gap`` is one."""
    out = ""
    columns = False
    previous: dict[str, Any] | None = None
    for ch in chars:
        if ch["text"].isspace():
            continue  # a space is measured as the gap it leaves between its neighbours
        if previous is not None:
            end, start = float(previous["x1"]), float(ch["x0"])
            size = max(float(ch.get("size") or 0), 1.0)
            if start - end > settings.column_gap * size:
                out += "  "
                columns = True
            elif (
                start - end > settings.space_gap * size
                if spaces is None
                else bisect.bisect_left(spaces, end) < bisect.bisect_right(spaces, start)
            ):
                out += " "
        out += ch["text"]
        previous = ch
    return out.strip(), columns


def _ends_in_space(line: dict[str, Any], spaces: list[float] | None) -> bool:
    return bool(spaces and spaces[-1] > float(line["chars"][-1]["x1"]))


def _spaces_on(line: dict[str, Any], spaces: list[dict[str, Any]]) -> list[float]:
    """The centres of the space characters standing on a line, left to right."""
    top, bottom = float(line["top"]), float(line["bottom"])
    return sorted(
        (float(c["x0"]) + float(c["x1"])) / 2
        for c in spaces
        if top <= (float(c["top"]) + float(c["bottom"])) / 2 <= bottom
    )


def _grid(table: Any) -> tuple[tuple[Cell | None, ...], ...]:
    """Cells with their spans, measured from pdfplumber's cell boxes against its row/column
    boundaries; the text of each is what pdfplumber extracted at its top-left slot."""
    texts = table.extract()
    lefts = sorted({box[0] for box in table.cells})
    tops = sorted({box[1] for box in table.cells})
    cells = []
    for x0, top, x1, bottom in table.cells:
        r, c = tops.index(top), lefts.index(x0)
        height = sum(1 for t in tops if top <= t < bottom - 0.5)
        width = sum(1 for x in lefts if x0 <= x < x1 - 0.5)
        text = texts[r][c] if r < len(texts) and c < len(texts[r]) else None
        cells.append(Cell(_wrapped_cell(text or ""), r, c, max(height, 1), max(width, 1)))
    return grid_from_cells(cells)


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (float(obj["x0"]) + float(obj["x1"])) / 2
    y = (float(obj["top"]) + float(obj["bottom"])) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


@dataclass
class _Page:
    """A page's text lines and tables, top down, before its lines are joined into paragraphs."""

    number: int
    items: list[_Line | _Part]
    mirror: float  # the mirror of the text's left margin: its right edge on an even layout
    widest: float  # the right end of its longest line or table


def _page_items(page: Any, number: int, settings: PdfSettings) -> _Page:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    height = float(page.height)
    placed: list[tuple[float, _Line | _Part]] = [
        (
            float(t.bbox[1]),
            _Part(_grid(t), number, float(t.bbox[1]) / height, 1 - float(t.bbox[3]) / height),
        )
        for t in tables
    ]
    text_only = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = [
        ln
        for ln in text_only.extract_text_lines(return_chars=True)
        if ln["chars"] and not _page_number(ln, height, settings)
    ]
    written = [c for c in text_only.chars if c["text"].isspace()]
    for line in lines:
        spaces = _spaces_on(line, written) if written else None
        text, columns = _line_text(line["chars"], settings, spaces)
        size = max(float(line["chars"][0].get("size") or 0), 1.0)
        if text:
            placed.append(
                (
                    float(line["top"]),
                    _Line(
                        text, number, float(line["x1"]), size, columns, _ends_in_space(line, spaces)
                    ),
                )
            )
    placed.sort(key=lambda item: item[0])
    left = min((float(ln["x0"]) for ln in lines), default=0.0)
    widest = max([float(ln["x1"]) for ln in lines] + [float(b[2]) for b in boxes], default=0.0)
    return _Page(number, [item for _, item in placed], float(page.width) - left, widest)


def _page_blocks(page: _Page, widest: float, settings: PdfSettings) -> list[Paragraph | _Part]:
    """A page's text lines grouped into paragraphs between its tables: a line the page
    wrapped runs on into the next.

    The text's right edge is the mirror of its left margin (pages are laid out with even
    margins), or the document's longest line or table where that is nearer (a title over a
    table is the longest line when the document has no other prose, and is not wrapped for
    it). It is the document's, not the page's: a page of short lines wraps none of them."""
    right = min(widest, page.mirror)
    blocks: list[Paragraph | _Part] = []
    runs_on = spaced = False
    for block in page.items:
        if isinstance(block, _Line):
            if blocks and isinstance(blocks[-1], Paragraph):
                glue = (
                    (" " if spaced else _glue(blocks[-1].text, block.text))
                    if runs_on and not _HEADING.match(block.text)
                    else "\n"
                )
                blocks[-1] = Paragraph(blocks[-1].text + glue + block.text, page.number)
            else:
                blocks.append(Paragraph(block.text, page.number))
            # A row of an unruled table also reaches the right edge, but with wide gaps
            # between its cells; prose has at most a space's width between words.
            runs_on = block.x1 >= right - settings.wrap_margin * block.size and not block.columns
            spaced = block.space_after
        else:
            blocks.append(block)
            runs_on = False
    return blocks


def _page_number(line: dict[str, Any], height: float, settings: PdfSettings) -> bool:
    margin = settings.furniture_margin * height
    at_edge = float(line["bottom"]) > height - margin or float(line["top"]) < margin
    return at_edge and _PAGE_NUMBER.match(line["text"]) is not None


@dataclass(frozen=True)
class _Line:
    text: str
    page: int
    x1: float  # where it ends
    size: float  # its font size
    columns: bool  # it has a gap between glyphs wide enough to part two cells
    space_after: bool = False  # the file writes a space after its last glyph (a word break)


def _glue(before: str, after: str) -> str:
    """What joins a line the page (or a cell's width) wrapped to the next: nothing next to a
    Chinese character or inside a number cut by the wrap (``12.`` | ``31``), else a space."""
    if _CJK.match(before[-1:]) or _CJK.match(after[:1]):
        return ""
    return "" if _NUMBER_CUT.search(before) and after[:1].isdigit() else " "


def _wrapped_cell(text: str) -> str:
    """A cell's lines (the cell's width wrapped them) as one text."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out += _glue(out, line) + line
    return out


def _furniture(block: Paragraph | _Part) -> bool:
    """Page numbers between the two halves of a table cut by a page break."""
    return isinstance(block, Paragraph) and all(
        _PAGE_NUMBER.match(line) for line in block.text.splitlines()
    )


def _row_texts(row: tuple[Cell | None, ...]) -> list[str]:
    return [one_line(c.text) if c is not None else "" for c in row]


def _drop_repeated_header(first: _Part, rest: _Part) -> _Part:
    for k in (2, 1):
        if len(rest.grid) > k and [_row_texts(r) for r in rest.grid[:k]] == [
            _row_texts(r) for r in first.grid[:k]
        ]:
            return replace(rest, grid=_shift(rest.grid[k:], -k))
    return rest


def _shift(
    grid: tuple[tuple[Cell | None, ...], ...], by: int
) -> tuple[tuple[Cell | None, ...], ...]:
    """The grid with its cells moved ``by`` rows (spans cut at the grid's top)."""
    cells = {id(c): c for row in grid for c in row if c is not None}
    moved = []
    for cell in cells.values():
        top = max(cell.row + by, 0)
        bottom = cell.row + by + cell.rowspan
        if bottom > top:
            moved.append(replace(cell, row=top, rowspan=bottom - top))
    return grid_from_cells(moved)


def _join(parts: list[_Part], index: int) -> Table:
    """One table of parts cut by page breaks; a cell merged across the break made one."""
    cells: list[Cell] = []
    pages: list[int] = []
    previous_last: dict[int, Cell] = {}
    for n, part in enumerate(parts):
        part = _drop_repeated_header(parts[0], part) if n else part
        offset = len(pages)
        own = {id(c): replace(c, row=c.row + offset) for row in part.grid for c in row if c}
        for c, below in enumerate(part.grid[0] if part.grid else ()):
            above = previous_last.get(c)
            if below is None or above is None or (above.rowspan == 1 and below.rowspan == 1):
                continue
            if bool(above.text.strip()) == bool(below.text.strip()):
                continue
            text = above.text if above.text.strip() else below.text
            whole = replace(above, text=text, rowspan=above.rowspan + below.rowspan)
            cells[cells.index(above)] = whole
            own.pop(id(below), None)
        cells.extend(own.values())
        pages.extend([part.page] * len(part.grid))
        grid = grid_from_cells(cells)
        previous_last = {c: cell for c, cell in enumerate(grid[-1]) if cell is not None}
    return Table(grid_from_cells(cells), index=index, pages=tuple(pages))


def _assemble(pages: list[list[Paragraph | _Part]], settings: PdfSettings) -> list[Block]:
    """Blocks in order, a table whose next page opens with the same columns joined to it."""
    blocks: list[Block] = []
    run: list[_Part] = []
    pending: list[Paragraph | _Part] = []  # page numbers seen since the run's last part

    def close() -> None:
        if run:
            blocks.append(_join(run, sum(isinstance(b, Table) for b in blocks)))
            run.clear()
        blocks.extend(b for b in pending if isinstance(b, Paragraph))
        pending.clear()

    for page in pages:
        for i, block in enumerate(page):
            if isinstance(block, _Part):
                continues = (
                    run
                    and all(_furniture(b) for b in pending)
                    and all(_furniture(b) for b in page[:i])
                    and block.grid
                    and run[-1].grid
                    and len(block.grid[0]) == len(run[-1].grid[0])
                    and block.page == run[-1].page + 1
                    and run[-1].below < settings.break_margin
                    and block.above < settings.break_margin
                )
                if not continues:
                    close()
                pending.clear()
                run.append(block)
            elif run:
                pending.append(block)
            else:
                blocks.append(block)
    close()
    return blocks


def read(path: Path, ocr: bool = False, settings: PdfSettings = SETTINGS) -> Layout:
    with needs("pdf", str(path)):
        import pdfplumber
    pages: list[_Page | list[Paragraph | _Part]] = []
    scanned: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                if page.chars:
                    pages.append(_page_items(page, number, settings))
                elif page.images:
                    scanned.append(number)
                    if ocr:
                        pages.append([Paragraph(ocr_module.page_text(path, number), number)])
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files; each means that
        raise DocumentError(str(path), f"not a readable PDF ({exc})") from exc
    if scanned and not ocr:
        listed = ", ".join(map(str, scanned))
        raise DocumentError(
            str(path), f"page {listed}: {SCANNED} (run with --ocr where tesseract is installed)"
        )
    widest = max((p.widest for p in pages if isinstance(p, _Page)), default=0.0)
    blocks = [_page_blocks(p, widest, settings) if isinstance(p, _Page) else p for p in pages]
    return Layout(format="pdf", blocks=_assemble(blocks, settings))
