"""Word documents (.docx) through python-docx: paragraphs and tables in document order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pikg.errors import DocumentError
from pikg.reading.extras import needs
from pikg.reading.layout import Cell, Layout, Paragraph, Table, grid_from_slots


def read(path: Path, format: str = "docx") -> Layout:
    with needs("office", str(path)):
        import docx
        from docx.table import Table as DocxTable
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile, KeyError or XML errors
        raise DocumentError(str(path), f"not a readable .docx document ({exc})") from exc
    layout = Layout(format=format)
    count = 0
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            layout.blocks.append(Table(_grid(item), index=count))
            count += 1
        elif item.text.strip():
            layout.blocks.append(Paragraph(item.text))
    return layout


def _grid(table: Any) -> tuple[tuple[Cell | None, ...], ...]:
    # python-docx repeats a merged cell's ``w:tc`` element in every slot it covers, across
    # (gridSpan) and down (vMerge); the element is the merge key.
    return grid_from_slots([[(slot._tc, slot.text) for slot in row.cells] for row in table.rows])
