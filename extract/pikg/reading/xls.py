"""Old Excel workbooks (.xls) through xlrd: every sheet a table, merged cells filled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pikg.errors import DocumentError
from pikg.reading.extras import needs
from pikg.reading.layout import Cell, Layout, Table, covered_by_merges, grid_from_cells
from pikg.reading.render import column_letter
from pikg.reading.values import cell_text


def read(path: Path) -> Layout:
    with needs("office", str(path)):
        import xlrd
    try:
        # formatting_info: merged ranges and number formats (percentages) are only read then.
        book = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError, struct or compound-document errors
        raise DocumentError(str(path), f"not a readable .xls workbook ({exc})") from exc
    layout = Layout(format="xls")
    for sheet in book.sheets():
        merged = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in sheet.merged_cells}
        covered = covered_by_merges(merged)
        cells = []
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                if (r, c) in covered:
                    continue
                text = _text(book, sheet, r, c)
                span = merged.get((r, c), (1, 1))
                if text or span != (1, 1):
                    cells.append(
                        Cell(text, r, c, span[0], span[1], f"{column_letter(c + 1)}{r + 1}")
                    )
        if not cells:
            continue
        index = sum(isinstance(b, Table) for b in layout.blocks)
        layout.blocks.append(
            Table(grid_from_cells(cells), index=index, sheet=sheet.name, origin=(1, 1))
        )
    return layout


def _text(book: Any, sheet: Any, r: int, c: int) -> str:
    """A cell's text; xlrd gives dates as serial numbers, converted with the book's epoch."""
    import xlrd

    cell = sheet.cell(r, c)
    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
        return cell_text(cell.value, fmt.format_str if fmt else "General")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    return str(cell.value)
