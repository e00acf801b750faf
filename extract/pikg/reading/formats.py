"""Read any supported document into a ``Source``: one table of formats, sniffed from content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pikg.errors import DocumentError
from pikg.reading import convert, docx, html, pdf, xls, xlsx
from pikg.reading.decode import MAX_SIZE, Source, read_bytes, read_source
from pikg.reading.layout import Layout
from pikg.reading.render import render
from pikg.reading.sniff import sniff

# Suffixes a folder is searched for; a file named on the command line is read whatever its name.
SUFFIXES = frozenset(
    {".txt", ".text", ".htm", ".html", ".shtml", ".xhtml", ".pdf", ".xlsx", ".xlsm", ".xls",
     ".docx", ".doc", ".rtf"}
)  # fmt: skip

_READERS: dict[str, Callable[[Path, bool], Layout]] = {
    "pdf": lambda path, ocr: pdf.read(path, ocr=ocr),
    "xlsx": lambda path, _: xlsx.read(path),
    "xls": lambda path, _: xls.read(path),
    "docx": lambda path, _: docx.read(path),
    "doc": lambda path, _: convert.read(path, "doc"),
    "rtf": lambda path, _: convert.read(path, "rtf"),
    "html": lambda path, _: html.read(path),
}
_UNREAD = {
    "zip": "is a ZIP archive that is not a .docx or .xlsx file",
    "ole": "is an Office file that is neither Word nor Excel",
}


def read_document(path: Path | str, ocr: bool = False, max_size: int = MAX_SIZE) -> Source:
    """The decoded Source of a document of any supported format; one-line errors name the file
    (one over ``max_size`` bytes among them)."""
    path = Path(path)
    fmt = sniff(read_bytes(path, max_size))
    if fmt in _UNREAD:
        raise DocumentError(str(path), _UNREAD[fmt])
    reader = _READERS.get(fmt)
    if reader is None:
        return read_source(path, max_size)
    source = render(reader(path, ocr), str(path))
    if not source.original.strip():
        raise DocumentError(str(path), f"has no text (read as {fmt})")
    return source
