"""Stable IRIs minted from content: the same document always gives the same names.

Chinese stays readable in the IRIs (they are IRIs, RFC 3987); every other character that
RFC 3987 does not allow unescaped in a path (ASCII that is not unreserved, controls, private
use, noncharacters, U+FFFD, formatting characters) is percent-encoded as UTF-8, and white
space is dropped, so any name gives a valid IRI.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from pikg.model import EmptySection, Extraction, IndicatorRow, Unparsed
from pikg.namespace import ID

_UNRESERVED_ASCII = re.compile(r"[A-Za-z0-9\-._~]")
# RFC 3987 `ucschar`: the non-ASCII code points an IRI path may hold as they are.
_UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane, plane + 0xFFFD) for plane in range(0x10000, 0xE0000, 0x10000)),
    (0xE1000, 0xEFFFD),
)


def _in_iri(ch: str) -> bool:
    if ord(ch) <= 0x7F:
        return bool(_UNRESERVED_ASCII.match(ch))
    if unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp"):
        return False  # bidi marks and odd spaces: RFC 3987 §4.1 keeps them out of IRIs
    code = ord(ch)
    return any(low <= code <= high for low, high in _UCSCHAR)


def slug(text: str) -> str:
    out = [
        ch if _in_iri(ch) else quote(ch.encode("utf-8", "surrogatepass"), safe="")
        for ch in re.sub(r"\s+", "", text)
    ]
    return "".join(out) or "_"


def region(code: str) -> str:
    return f"{ID}region/{code}"


def department(result: Extraction) -> str:
    """A department of a known region is one node however many documents name it; one whose
    region is unknown is minted inside its document's namespace, so that two bodies with the
    same name (主管部门, 财政局) in different places are never merged."""
    facts = result.facts
    name = slug(facts.department or "unknown")
    if facts.region_codes:
        return f"{ID}org/{facts.region_codes[-1]}/{name}"
    return f"{ID}doc/{result.digest[:12]}/org/{name}"


def disclosure(result: Extraction, digest: str) -> str:
    """Department, year and kind, and the first 12 hex digits of the text's SHA-256."""
    year = result.facts.year or "unknown"
    return f"{department(result)}/{year}/{result.facts.kind or 'unknown'}/{digest[:12]}"


def graph(doc: str) -> str:
    return f"{doc}/graph"


def extraction(doc: str, version: str) -> str:
    return f"{doc}/extraction/{version}"


def project(doc: str, name: str) -> str:
    return f"{doc}/project/{slug(name)}"


def target(doc: str, row: IndicatorRow) -> str:
    owner = project(doc, row.project) if row.project else doc
    return f"{owner}/target/{row.start}-{slug(row.name)}"


def unparsed(doc: str, item: Unparsed) -> str:
    return f"{doc}/unparsed/{item.start}"


def empty_section(doc: str, section: EmptySection) -> str:
    return f"{doc}/section/{section.start}"
