"""Read a document: bytes to text, with full-width and look-alike characters normalised.

The parser works on the normalised text; every offset it reports is translated back to the
decoded source text through ``Source.origin`` so that ``raw``/``start``/``end`` point at what
the publisher wrote. Normalising also gives every line end as ``\n`` (CRLF, CR-only and the
other Unicode line separators) and drops NUL and other control characters, so a document's
rows do not depend on how its lines end or what padding a converter left in it.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

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
# Line ends other than \n that str.splitlines() or a converter may leave (CR-only files
# came from old Mac tools; U+2028 from web pages copied as text).
_LINE_ENDS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# A document larger than this is not a budget disclosure (the largest real ones are a few MB);
# reading it would only exhaust memory. `--max-size` overrides it.
MAX_SIZE = 100 * 1024 * 1024
_CHINESE_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp936", "cp950"}


@dataclass(frozen=True)
class Source:
    """A decoded document: the text as published and its normalised form."""

    path: str
    original: str
    text: str
    origin: tuple[int, ...]  # origin[i] = index in ``original`` of normalised char i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the normalised span [start, end)."""
        if start >= len(self.origin):
            return len(self.original), len(self.original)
        last = self.origin[end - 1] + 1 if end > start else self.origin[start]
        return self.origin[start], last

    @property
    def digest(self) -> str:
        """The document's identity: SHA-256 of the normalised text without white space, so a
        copy with other line ends, re-wrapped lines or full-width digits is the same document."""
        return hashlib.sha256("".join(self.text.split()).encode("utf-8")).hexdigest()

    def raw(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8, GB18030/GBK or UTF-16 text, detected from the bytes themselves."""
    if data.startswith(b"%PDF"):
        raise DocumentError(path, "is a PDF; only text documents are read so far")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(path, "is a spreadsheet or office file; only text documents are read")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                # The BOM declares the encoding, so guessing another would only give garbage.
                raise DocumentError(
                    path,
                    f"starts with a {encoding} byte-order mark but byte {exc.start} is not {encoding}",
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


def _normal_char(ch: str, following: str) -> str:
    """The normalised form of one character (``following`` is the next one, or "")."""
    if ch in _LINE_ENDS:
        return "" if ch == "\r" and following == "\n" else "\n"
    if ch in "\t\n":
        return ch
    if unicodedata.category(ch) == "Cc":
        return ""  # NUL padding, escape sequences' ESC and other controls carry no text
    out = LOOKALIKES.get(ch)
    if out is None:
        out = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
    return out


def normalise(original: str) -> tuple[str, tuple[int, ...]]:
    """Line ends as \n, controls dropped, NFKC plus comparison look-alikes, character by
    character, with an offset map."""
    pieces: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        out = _normal_char(ch, original[i + 1 : i + 2])
        pieces.append(out)
        origin.extend([i] * len(out))
    return "".join(pieces), tuple(origin)


def source_from_text(original: str, path: str = "<text>") -> Source:
    text, origin = normalise(original)
    return Source(path=path, original=original, text=text, origin=origin)


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
