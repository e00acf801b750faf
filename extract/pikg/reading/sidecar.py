"""Sidecars: what a document's text does not say, supplied beside it.

``DOC.meta.json`` next to ``DOC.txt`` (or ``DOC.txt.meta.json``), or one ``--meta FILE.csv``
with a row per document (columns ``doc, source_url, region, department, year, kind,
published``; ``doc`` is the document's file name or path). Empty values say nothing.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, get_args

from pikg.errors import DocumentError
from pikg.model import DocKind, DocumentMeta

SUFFIX = ".meta.json"
COLUMNS = ("doc", "source_url", "region", "department", "year", "kind", "published")


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def sidecar_path(document: Path) -> Path | None:
    for candidate in (document.with_name(document.stem + SUFFIX), Path(f"{document}{SUFFIX}")):
        if candidate.is_file():
            return candidate
    return None


def meta_from(values: dict[str, Any], where: str) -> DocumentMeta:
    """A ``DocumentMeta`` from a JSON object or CSV row; raises ``DocumentError`` naming ``where``."""
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise DocumentError(where, f"unknown sidecar field(s) {', '.join(sorted(unknown))}")
    clean = {k: (str(v).strip() if v is not None else "") for k, v in values.items()}
    kind = clean.get("kind") or None
    if kind is not None and kind not in get_args(DocKind):
        raise DocumentError(where, f"kind {kind!r} is not one of {', '.join(get_args(DocKind))}")
    year = clean.get("year") or None
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise DocumentError(where, f"year {year!r} is not a four-digit year")
    return DocumentMeta(
        source_url=clean.get("source_url") or None,
        region=clean.get("region") or None,
        department=clean.get("department") or None,
        year=int(year) if year else None,
        kind=kind,  # type: ignore[arg-type]  # checked against DocKind above
        published=clean.get("published") or None,
    )


def read_sidecar(document: Path) -> DocumentMeta | None:
    """The sidecar beside ``document``, if there is one."""
    path = sidecar_path(document)
    if path is None:
        return None
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(str(path), f"unreadable sidecar ({exc})") from exc
    if not isinstance(values, dict):
        raise DocumentError(str(path), "a sidecar must be one JSON object")
    if isinstance(values.get("region"), list):
        values["region"] = "".join(str(part) for part in values["region"])
    return meta_from(values, str(path))


def read_meta_csv(path: Path) -> dict[str, DocumentMeta]:
    """``--meta FILE.csv``: document (file name or path) → its metadata."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DocumentError(str(path), f"unreadable metadata file ({exc})") from exc
    out: dict[str, DocumentMeta] = {}
    for number, row in enumerate(rows, start=2):
        doc = (row.pop("doc", "") or "").strip()
        if not doc:
            raise DocumentError(f"{path}:{number}", "a row without a doc")
        out[doc] = meta_from(row, f"{path}:{number}")
    return out


def meta_for(document: Path, table: dict[str, DocumentMeta] | None) -> DocumentMeta | None:
    """The metadata of one document: its row in ``table`` (by path, then file name), else its
    sidecar file."""
    if table:
        for key in (str(document), document.name):
            if key in table:
                return table[key]
    return read_sidecar(document)
