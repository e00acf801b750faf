"""Excel workbooks (.xlsx) through openpyxl: every sheet a table, merged cells filled."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from pikg.errors import DocumentError
from pikg.reading.extras import needs
from pikg.reading.layout import Cell, Layout, Table, covered_by_merges, grid_from_cells
from pikg.reading.values import cell_text


def read(path: Path) -> Layout:
    with needs("office", str(path)):
        import openpyxl
        from openpyxl.utils import get_column_letter
    try:
        # From the bytes: openpyxl refuses a file whose name does not end in .xlsx.
        data = path.read_bytes()
        book = openpyxl.load_workbook(BytesIO(data))
        # A formula cell reads as the sheet last showed it; that cached value is only in a
        # second, data-only load. A formula with no cached value (text like `=12个月` that a
        # writer stored as a formula) reads as written.
        shown = (
            openpyxl.load_workbook(BytesIO(data), data_only=True) if _has_formulas(book) else None
        )
    except Exception as exc:  # openpyxl raises zipfile, KeyError or XML errors on bad files
        raise DocumentError(str(path), f"not a readable .xlsx workbook ({exc})") from exc
    layout = Layout(format="xlsx")
    for sheet in book.worksheets:
        cached = shown[sheet.title] if shown is not None else None
        top, left = sheet.min_row, sheet.min_column
        merged = {
            (rng.min_row, rng.min_col): (
                rng.max_row - rng.min_row + 1,
                rng.max_col - rng.min_col + 1,
            )
            for rng in sheet.merged_cells.ranges
        }
        covered = covered_by_merges(merged)
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                where = (cell.row, cell.column)
                if where in covered:
                    continue
                value = cell.value
                if cell.data_type == "f" and cached is not None:
                    value = cached.cell(cell.row, cell.column).value
                    value = cell.value if value is None else value  # the formula, `=` and all
                text = cell_text(value, cell.number_format)
                span = merged.get(where, (1, 1))
                if not text and span == (1, 1):
                    continue
                cells.append(
                    Cell(
                        text,
                        cell.row - top,
                        cell.column - left,
                        span[0],
                        span[1],
                        f"{get_column_letter(cell.column)}{cell.row}",
                    )
                )
        if not cells:
            continue
        index = sum(isinstance(b, Table) for b in layout.blocks)
        grid = grid_from_cells(cells)
        layout.blocks.append(Table(grid, index=index, sheet=sheet.title, origin=(top, left)))
    return layout


def _has_formulas(book: Any) -> bool:
    return any(
        cell.data_type == "f"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )
