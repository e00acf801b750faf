"""Read a document: bytes to text, with full-width and look-alike characters normalised.

The parser matches on folded text (full-width forms, look-alike comparators, Traditional
characters, pinyin glosses and CR line ends folded away); every offset it reports is
translated back to the decoded text through ``Source.origin``, so ``raw``/``start``/``end``
point at what the publisher wrote.
Folding also gives every line end as ``\n`` (CRLF, CR-only and the other Unicode line
separators) and drops NUL and other control characters.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import html
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

if TYPE_CHECKING:
    from opencc import OpenCC

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

_BOMS = (  # the mark, the codec that reads what follows it, the encoding's name in a message
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# Line ends other than \n that str.splitlines() or a converter may leave (CR-only files
# came from old Mac tools; U+2028 from web pages copied as text).
_LINE_ENDS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_LINE_BREAK = re.compile("\r\n|[\n" + re.escape("".join(sorted(_LINE_ENDS))) + "]")
# A document larger than this is not a budget disclosure (the largest real ones are a few MB);
# reading it would only exhaust memory. `--max-size` overrides it.
MAX_SIZE = 100 * 1024 * 1024
_CHINESE_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp936", "cp950"}


@dataclass(frozen=True)
class Source:
    """A decoded document: the text as published and its folded form for matching.

    ``text`` is what the parser matches on; ``origin`` translates its offsets back to
    ``original`` so that every span pikg reports points at what the publisher wrote.
    Documents read from tables (PDF, spreadsheets, Word, web pages) are rendered one table
    row a line of ``|``-separated cells; ``lines`` then says where each line came from and
    ``tables`` keeps the cells themselves with their grid positions.
    """

    path: str
    original: str
    text: str
    origin: Origin
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
        """Offsets in the original text of the folded span [start, end)."""
        if start >= len(self.text):
            return len(self.original), len(self.original)
        # ``Origin.at`` written out: every row, cell and skip asks this, tens of thousands
        # of times per megabyte, and most texts fold without a single breakpoint.
        folded = self.origin.folded
        if not folded:
            return start, end if end > start else start
        shift = self.origin.shift
        k = bisect.bisect_right(folded, start) - 1
        first = start + shift[k] if k >= 0 else start
        if end <= start:
            return first, first
        k = bisect.bisect_right(folded, end - 1, max(k, 0)) - 1
        return first, (end + shift[k] if k >= 0 else end)

    @property
    def digest(self) -> str:
        """The document's identity: SHA-256 of the normalised text without white space, so a
        copy with other line ends, re-wrapped lines or full-width digits is the same document."""
        return hashlib.sha256("".join(self.text.split()).encode("utf-8")).hexdigest()

    def raw(self, start: int, end: int) -> str:
        if not self.origin.folded and start < len(self.text):
            return self.original[start:end]  # no breakpoint: folded offsets are original ones
        a, b = self.span(start, end)
        return self.original[a:b]


@dataclass(frozen=True)
class Origin:
    """Folded offset → original offset, stored as the points where the two drift apart.

    Most characters fold to one character, so the map is a handful of breakpoints (folded
    offset, shift) searched by bisection: linear to build, whatever the document's size.
    """

    folded: tuple[int, ...]
    shift: tuple[int, ...]

    def at(self, i: int) -> int:
        k = bisect.bisect_right(self.folded, i) - 1
        return i + (self.shift[k] if k >= 0 else 0)


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8, GB18030/GBK or UTF-16 text, detected from the bytes themselves."""
    if data.startswith(b"%PDF"):
        raise DocumentError(path, "is a PDF, not a text file")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(path, "is a spreadsheet or office file, not a text file")
    for bom, encoding, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                # The BOM declares the encoding, so guessing another would only give garbage.
                at = exc.start + len(bom)
                raise DocumentError(
                    path,
                    f"starts with a {name} byte-order mark but is not {name} from byte {at} "
                    f"(0x{data[at]:02x})",
                ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if text.count("\x00") * 4 < len(text):
            return text
        # Mostly NULs: UTF-16 without a BOM whose bytes happen to be valid UTF-8 (ASCII).
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


# Pinyin that mirror sites leave after a character: 執(zhí), 區(qū).
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüḿńňǹ]{1,6}[)）]")
_CR = re.compile(r"\r\n?")
# HTML character references a page's conversion to text left in it (`&gt;=90%`, `&nbsp;`).
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,6}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")
# Inline HTML tags such a conversion left inside cells (`名称<br>（县乡村道）`): no text.
INLINE_TAG = re.compile(r"(?i:</?(?:br|p|span|font|strong|b)\b[^<>]{0,200}>)")


@cache
def _fold_char(ch: str) -> str:
    """One character folded: line ends to \n, controls dropped, look-alikes, NFKC, then
    Traditional → Simplified (OpenCC)."""
    if ch in _LINE_ENDS:
        return "\n"
    if unicodedata.category(ch) == "Cc" and ch not in "\t\n":
        return ""  # NUL padding, escape sequences' ESC and other controls carry no text
    out = LOOKALIKES.get(ch)
    if out is not None:
        return out
    out = unicodedata.normalize("NFKC", ch)
    if len(out) == 1 and "\u3400" <= out <= "\u9fff":
        out = _t2s().convert(out)
    return out


@cache
def _t2s() -> OpenCC:
    """OpenCC's Traditional → Simplified tables, loaded by the first document that has CJK."""
    from opencc import OpenCC

    return OpenCC("t2s")


def normalise(original: str) -> tuple[str, Origin]:
    """The text folded for matching, with the map back to ``original``.

    CR and CRLF become LF; pinyin glosses are dropped; each other character folds on its own
    (so a folded offset always has one original character behind it).
    """
    table = {
        ord(ch): _fold_char(ch)
        for ch in set(original)
        if (ord(ch) > 0x7F or unicodedata.category(ch) == "Cc") and ch not in "\t\n\r"
    }
    table = {k: v for k, v in table.items() if v != chr(k)}
    # Pieces whose folded length differs from the original's: where offsets drift.
    odd = [chr(k) for k, v in table.items() if len(v) != 1]
    # Each alternative opens with a bracket, a CR, an ampersand, a tag's < or an odd
    # character: the look-ahead lets the scan pass over every other character at once.
    entities = "&" in original
    tags = "<" in original
    alternatives = (
        [_PINYIN.pattern, _CR.pattern]
        + ([_ENTITY.pattern] if entities else [])
        + ([INLINE_TAG.pattern] if tags else [])
        + ([f"[{re.escape(''.join(odd))}]"] if odd else [])
    )
    opening = re.escape("(（\r" + "&" * entities + "<" * tags + "".join(odd))
    pattern = f"(?=[{opening}])(?:{'|'.join(alternatives)})"
    pieces: list[str] = []
    folded_at: list[int] = []
    shifts: list[int] = []
    pos = 0
    length = 0
    for m in re.finditer(pattern, original):
        pieces.append(original[pos : m.start()])
        length += m.start() - pos
        piece = m.group()
        if piece.startswith("\r"):
            out = "\n"
        elif piece.startswith("<"):
            out = ""
        elif piece.startswith("&"):
            ref = html.unescape(piece)  # an unknown name stays as it is
            out = piece if ref == piece else "".join(_fold_char(ch) for ch in ref)
        elif len(piece) == 1:
            out = table[ord(piece)]
        else:
            out = ""
        pieces.append(out)
        # Every folded character of this piece points at the piece's first character,
        # and what follows points past it.
        for j in range(len(out)):
            folded_at.append(length + j)
            shifts.append(m.start() - (length + j))
        length += len(out)
        folded_at.append(length)
        shifts.append(m.end() - length)
        pos = m.end()
    pieces.append(original[pos:])
    text = "".join(pieces)
    single = {chr(k): v for k, v in table.items() if len(v) == 1}
    if single:
        # Only the characters that fold are visited (a few in a hundred): ``str.translate``
        # would look every character of the text up, a third of the folding's time.
        fold = f"[{re.escape(''.join(single))}]"
        text = re.sub(fold, lambda m: single[m.group()], text)
    return text, Origin(tuple(folded_at), tuple(shifts))


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


def line_starts(original: str) -> tuple[int, ...]:
    """Where each line of ``original`` starts, for 1-based line numbers: the line ends are the
    ones folding reads (CRLF is one), so the numbers are those an editor shows."""
    return (0, *[m.end() for m in _LINE_BREAK.finditer(original)])


def read_bytes(path: Path | str, max_size: int = MAX_SIZE) -> bytes:
    """The bytes of a regular file of at most ``max_size`` bytes; a FIFO, a device or a file
    too large is a ``DocumentError`` before anything is read, so nothing hangs or fills memory."""
    name = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError(name, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(name, "is not a regular file (a pipe, socket or device)")
        if info.st_size > max_size:
            raise DocumentError(name, f"is {info.st_size} bytes, more than --max-size {max_size}")
        with open(path, "rb") as handle:
            data = handle.read(max_size + 1)
    except FileNotFoundError as exc:
        raise DocumentError(name, "no such file") from exc
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror})") from exc
    if len(data) > max_size:  # it grew while being read
        raise DocumentError(name, f"is more than --max-size {max_size} bytes")
    return data


def read_text(path: Path | str, max_size: int = MAX_SIZE) -> str:
    """A file's decoded text (documents and RDF alike)."""
    return decode(read_bytes(path, max_size), str(path))


_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from a document made safe for a terminal: escape sequences (colours, cursor moves,
    window titles, OSC 8 links) and other control characters removed; tabs and line ends kept."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def read_source(path: Path | str, max_size: int = MAX_SIZE) -> Source:
    name = str(path)
    source = source_from_text(read_text(path, max_size), name)
    if not source.text.strip():
        raise DocumentError(name, "is empty")
    return source
