"""What a format reader hands on: paragraphs and tables of cells, in document order.

Every reader (PDF, spreadsheet, Word, web page) converts its file into a ``Layout``; one
renderer (``pikg.reading.render``) turns any layout into the decoded ``Source`` the parser
reads, so the formats differ only in how they find paragraphs and cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One cell as the file holds it; a merged cell covers rowspan × colspan grid slots."""

    text: str
    row: int  # top-left grid position inside its table, from 0
    col: int
    rowspan: int = 1
    colspan: int = 1
    ref: str | None = None  # the spreadsheet's own address of the anchor (``B3``)


@dataclass(frozen=True)
class Table:
    """A table as a full grid: ``grid[r][c]`` is the cell covering that slot, or None.

    A merged cell appears in every slot it covers (the same object), so a level cell
    merged over five rows is in each of those rows.
    """

    grid: tuple[tuple[Cell | None, ...], ...]
    index: int = 0  # the table's number in the document, from 0
    sheet: str | None = None
    pages: tuple[int, ...] = ()  # page of each grid row (PDF), else empty
    origin: tuple[int, int] | None = None  # sheet row and column (1-based) of grid[0][0]

    def page_of(self, row: int) -> int | None:
        return self.pages[row] if row < len(self.pages) else None


@dataclass(frozen=True)
class Paragraph:
    text: str
    page: int | None = None


Block = Paragraph | Table


@dataclass
class Layout:
    """A document as blocks in reading order, and the page chrome kept out of them."""

    format: str
    blocks: list[Block] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)  # navigation, banners, footers (HTML)


def covered_by_merges(merged: dict[tuple[int, int], tuple[int, int]]) -> set[tuple[int, int]]:
    """The cells a merged range covers besides its anchor, from ``{(row, col): (rows, cols)}``:
    a sheet reports them empty, and the anchor's value fills them."""
    return {
        (r, c)
        for (r0, c0), (h, w) in merged.items()
        for r in range(r0, r0 + h)
        for c in range(c0, c0 + w)
        if (r, c) != (r0, c0)
    }


def grid_from_cells(cells: list[Cell]) -> tuple[tuple[Cell | None, ...], ...]:
    """The full grid a list of (possibly merged) cells covers; uncovered slots are None."""
    rows = max((c.row + c.rowspan for c in cells), default=0)
    cols = max((c.col + c.colspan for c in cells), default=0)
    grid: list[list[Cell | None]] = [[None] * cols for _ in range(rows)]
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                grid[r][c] = cell
    return tuple(tuple(row) for row in grid)


@dataclass(frozen=True)
class LineOrigin:
    """Where one line of the rendered text came from in the file."""

    start: int  # offsets of the line in ``Source.original``
    end: int
    page: int | None = None  # from 1
    sheet: str | None = None
    cells: str | None = None  # the spreadsheet range of a rendered table row (``A5:D5``)
    table: int | None = None  # index into ``Source.tables``
    row: int | None = None  # grid row inside that table


def grid_from_slots(slots: list[list[tuple[object, str]]]) -> tuple[tuple[Cell | None, ...], ...]:
    """The grid of a table given as slots of (key, text), where slots sharing a key are one
    merged cell (python-docx's view of a table); spans are measured from the slots."""
    first: dict[object, tuple[int, int, str]] = {}
    last: dict[object, tuple[int, int]] = {}
    for r, row in enumerate(slots):
        for c, (key, text) in enumerate(row):
            first.setdefault(key, (r, c, text))
            last[key] = (r, c)
    cells = [
        Cell(text, r, c, last[key][0] - r + 1, last[key][1] - c + 1)
        for key, (r, c, text) in first.items()
    ]
    return grid_from_cells(cells)
