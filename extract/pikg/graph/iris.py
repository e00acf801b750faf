"""Stable IRIs minted from content: the same document always gives the same names.

Chinese stays readable in the IRIs (they are IRIs, RFC 3987); only ASCII characters that are
not unreserved are percent-encoded, and white space is dropped.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from pikg.model import Extraction, IndicatorRow, Unparsed
from pikg.namespace import ID

_UNRESERVED_ASCII = re.compile(r"[A-Za-z0-9\-._~]")


def slug(text: str) -> str:
    out = []
    for ch in re.sub(r"\s+", "", text):
        if ord(ch) > 0x7F or _UNRESERVED_ASCII.match(ch):
            out.append(ch)
        else:
            out.append(quote(ch, safe=""))
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
