"""Read a document: bytes to text, with full-width and look-alike characters normalised.

The parser works on the normalised text; every offset it reports is translated back to the
decoded source text through ``Source.origin`` so that ``raw``/``start``/``end`` point at what
the publisher wrote.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from charset_normalizer import from_bytes

from pikg.errors import DocumentError
from pikg.reading.layout import LineOrigin, Table

# Comparison look-alikes that NFKC leaves alone.
LOOKALIKES = {
    "≧": "≥",
    "⩾": "≥",
    "≮": "≥",
    "≦": "≤",
    "⩽": "≤",
    "≯": "≤",
    "═": "=",
    "‹": "<",
    "›": ">",
    "∶": ":",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHINESE_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp936", "cp950"}


@dataclass(frozen=True)
class Source:
    """A decoded document: the text as published and its normalised form.

    Documents read from tables (PDF, spreadsheets, Word, web pages) are rendered one table
    row a line of ``|``-separated cells; ``lines`` then says where each line came from and
    ``tables`` keeps the cells themselves with their grid positions.
    """

    path: str
    original: str
    text: str
    origin: tuple[int, ...]  # origin[i] = index in ``original`` of normalised char i
    format: str = "text"
    lines: tuple[LineOrigin, ...] = ()  # in order of ``start``; empty for plain text
    tables: tuple[Table, ...] = ()
    chrome: tuple[str, ...] = ()  # page navigation and footers, kept out of ``original``
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(line.start for line in self.lines))

    def line_at(self, offset: int) -> LineOrigin | None:
        """The origin of the rendered line holding ``offset`` (in ``original``)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0 or offset > self.lines[i].end:
            return None
        return self.lines[i]

    def where(self, start: int, end: int) -> LineOrigin | None:
        """Where the text at [start, end) of ``original`` came from: the first line's page,
        sheet and table, with a cell range running to the last line's."""
        first = self.line_at(start)
        last = self.line_at(max(end - 1, start))
        if first is None or last is None or last is first or last.table != first.table:
            return first
        if first.cells and last.cells:
            cells = f"{first.cells.split(':')[0]}:{last.cells.split(':')[-1]}"
            return replace(first, cells=cells)
        return first

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the normalised span [start, end)."""
        if start >= len(self.origin):
            return len(self.original), len(self.original)
        last = self.origin[end - 1] + 1 if end > start else self.origin[start]
        return self.origin[start], last

    @property
    def digest(self) -> str:
        """SHA-256 of the decoded text: the document's identity."""
        return hashlib.sha256(self.original.encode("utf-8")).hexdigest()

    def raw(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8, GB18030/GBK or UTF-16 text, detected from the bytes themselves."""
    if data.startswith(b"%PDF"):
        raise DocumentError(path, "is a PDF, not a text file")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(path, "is a spreadsheet or office file, not a text file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM: the zero high bytes of ASCII fall on odd or even positions.
        odd = data[1:4096:2].count(0)
        even = data[0:4096:2].count(0)
        try:
            return data.decode("utf-16-le" if odd >= even else "utf-16-be")
        except UnicodeDecodeError:
            pass
    try:
        # The encoding of most Chinese disclosures that are not UTF-8; strict, so other
        # byte soups fail here and go on to detection.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError(path, "bytes are not text in any encoding pikg reads")
    encoding = best.encoding.lower().replace("_", "")
    if encoding in _CHINESE_FAMILY:
        encoding = "gb18030"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DocumentError(path, f"undecodable bytes ({exc.__class__.__name__})") from exc


def normalise(original: str) -> tuple[str, tuple[int, ...]]:
    """NFKC plus comparison look-alikes, character by character, with an offset map."""
    pieces: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        out = LOOKALIKES.get(ch)
        if out is None:
            out = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        pieces.append(out)
        origin.extend([i] * len(out))
    return "".join(pieces), tuple(origin)


def source_from_text(
    original: str,
    path: str = "<text>",
    format: str = "text",
    lines: tuple[LineOrigin, ...] = (),
    tables: tuple[Table, ...] = (),
    chrome: tuple[str, ...] = (),
) -> Source:
    text, origin = normalise(original)
    return Source(path, original, text, origin, format, lines, tables, chrome)


def read_source(path: Path | str) -> Source:
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise DocumentError(name, "no such file") from exc
    except IsADirectoryError as exc:
        raise DocumentError(name, "is a directory") from exc
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror})") from exc
    original = decode(data, name)
    if not original.strip():
        raise DocumentError(name, "is empty")
    return source_from_text(original, name)
