"""A file's format from its first bytes, never from its name."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound document: .xls, .doc
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|table|div|p|h[1-6])[\s>/]", re.I)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes) -> str:
    """One of pdf, xlsx, docx, xls, doc, rtf, html, zip (another archive) or text."""
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if data.startswith(_OLE):
        # The directory of the compound document names its streams in UTF-16.
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    head = data[:4096]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    if head.lstrip().startswith(b"<") and _HTML.search(head):
        return "html"
    return "text"
