"""A layout to the text the parser reads: a paragraph a line, a table row a line of cells.

Rows are rendered ``cell | cell | cell`` (the pipe-table layout the segmenters read), with
merged cells filled in: a level cell merged down over several rows stands in each of them,
so every line is a full row; a cell merged across columns is written once. Each line
records where it came from (page, sheet and cell range, table and row).
"""

from __future__ import annotations

import re

from pikg.reading.decode import Source, source_from_text
from pikg.reading.layout import Cell, Layout, LineOrigin, Paragraph, Table

SEPARATOR = " | "
# A grid row with this many filled cells is a table row and keeps its blank cells.
MIN_ROW_CELLS = 2
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 1-based column number (1 → A, 27 → AA)."""
    name = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def one_line(text: str) -> str:
    """A cell's text on one line: wrapped Chinese joins without a space, other text with one."""
    parts = [p for p in (_SPACES.sub(" ", ln).strip() for ln in text.splitlines()) if p]
    out = ""
    for part in parts:
        glue = "" if not out or _CJK.match(part[0]) or _CJK.match(out[-1]) else " "
        out += glue + part
    # A pipe inside a cell (or a full-width one, which folding makes a pipe) would split it
    # in two for the parser.
    return out.replace("|", "¦").replace("｜", "¦")


def row_slots(row: tuple[Cell | None, ...]) -> list[tuple[int, int, str]]:
    """The cells of one grid row as rendered: (first column, last column, text), a
    horizontally merged cell once. A row of several cells keeps its empty cells to the
    table's width (the columns stay as wide as the table, as in text copied from it); a row
    of one cell (a title, a note on the sheet) is that cell alone. The parser's grid reader
    walks the same list, so the n-th ``|``-separated piece of a rendered line is its n-th
    slot."""
    slots: list[tuple[int, int, str]] = []
    previous: Cell | None = None
    for c, cell in enumerate(row):
        if cell is not None and cell is previous:
            first, _, text = slots[-1]
            slots[-1] = (first, c, text)
            continue
        previous = cell
        slots.append((c, c, one_line(cell.text) if cell is not None else ""))
    if sum(1 for _, _, text in slots if text) < MIN_ROW_CELLS:
        while slots and not slots[-1][2]:
            slots.pop()
    return slots


def row_cells(row: tuple[Cell | None, ...]) -> list[str]:
    """The texts of one grid row, a horizontally merged cell once, trailing blanks dropped."""
    return [text for _, _, text in row_slots(row)]


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.origins: list[LineOrigin] = []
        self.pos = 0

    def add(
        self,
        text: str,
        page: int | None = None,
        sheet: str | None = None,
        cells: str | None = None,
        table: int | None = None,
        row: int | None = None,
    ) -> None:
        end = self.pos + len(text)
        self.origins.append(LineOrigin(self.pos, end, page, sheet, cells, table, row))
        self.lines.append(text)
        self.pos += len(text) + 1


def _cell_range(table: Table, row: int, origin: tuple[int, int]) -> str:
    """``A5:D5`` for a row of a sheet whose top-left cell is ``origin`` (row, col, 1-based)."""
    filled = [c for c, cell in enumerate(table.grid[row]) if cell is not None and cell.text.strip()]
    first, last = (filled[0], filled[-1]) if filled else (0, 0)
    line = origin[0] + row
    return f"{column_letter(origin[1] + first)}{line}:{column_letter(origin[1] + last)}{line}"


def render(layout: Layout, path: str) -> Source:
    """The Source of a layout: its text, where each line came from, and its tables."""
    out = _Writer()
    tables: list[Table] = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            for text in block.text.splitlines():
                if text.strip():
                    out.add(_SPACES.sub(" ", text).strip(), page=block.page)
            continue
        tables.append(block)
        for r, row in enumerate(block.grid):
            cells = row_cells(row)
            if not any(cells):
                continue
            out.add(
                SEPARATOR.join(cells),
                page=block.page_of(r),
                sheet=block.sheet,
                cells=_cell_range(block, r, block.origin) if block.origin else None,
                table=block.index,
                row=r,
            )
    return source_from_text(
        "\n".join(out.lines),
        path,
        format=layout.format,
        lines=tuple(out.origins),
        tables=tuple(tables),
        chrome=tuple(layout.chrome),
    )
