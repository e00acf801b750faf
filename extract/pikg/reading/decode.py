"""Read a document: bytes to text, with full-width and look-alike characters normalised.

The parser matches on folded text (full-width forms, look-alike comparators, Traditional
characters, pinyin glosses and CR line ends folded away); every offset it reports is
translated back to the decoded text through ``Source.origin``, so ``raw``/``start``/``end``
point at what the publisher wrote.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

if TYPE_CHECKING:
    from opencc import OpenCC

from pikg.errors import DocumentError

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
    """A decoded document: the text as published and its folded form for matching.

    ``text`` is what the parser matches on; ``origin`` translates its offsets back to
    ``original`` so that every span pikg reports points at what the publisher wrote.
    """

    path: str
    original: str
    text: str
    origin: Origin

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the folded span [start, end)."""
        if start >= len(self.text):
            return len(self.original), len(self.original)
        last = self.origin.at(end - 1) + 1 if end > start else self.origin.at(start)
        return self.origin.at(start), last

    @property
    def digest(self) -> str:
        """SHA-256 of the decoded text: the document's identity."""
        return hashlib.sha256(self.original.encode("utf-8")).hexdigest()

    def raw(self, start: int, end: int) -> str:
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
        raise DocumentError(path, "is a PDF; only text documents are read so far")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(path, "is a spreadsheet or office file; only text documents are read")
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


# Pinyin that mirror sites leave after a character: 執(zhí), 區(qū).
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüḿńňǹ]{1,6}[)）]")
_CR = re.compile(r"\r\n?")


@cache
def _fold_char(ch: str) -> str:
    """One character folded: look-alikes, NFKC, then Traditional → Simplified (OpenCC)."""
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
    table = {ord(ch): _fold_char(ch) for ch in set(original) if ord(ch) > 0x7F}
    table = {k: v for k, v in table.items() if v != chr(k)}
    # Pieces whose folded length differs from the original's: where offsets drift.
    odd = [chr(k) for k, v in table.items() if len(v) != 1]
    pattern = "|".join(
        [_PINYIN.pattern, _CR.pattern] + ([f"[{re.escape(''.join(odd))}]"] if odd else [])
    )
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
    text = "".join(pieces).translate({k: v for k, v in table.items() if len(v) == 1})
    return text, Origin(tuple(folded_at), tuple(shifts))


def source_from_text(original: str, path: str = "<text>") -> Source:
    text, origin = normalise(original)
    return Source(path=path, original=original, text=text, origin=origin)


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
