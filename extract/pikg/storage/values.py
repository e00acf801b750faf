"""SPARQL result values as Python values, and back to their lexical form for text output."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    f"{XSD}{t}"
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}


def typed(lexical: str, datatype: str | None) -> Any:
    """Decimal, int (also for a gYear), float, bool, date or datetime by the literal's
    datatype; else the text.
    A literal whose text does not fit its datatype stays text rather than failing."""
    try:
        if datatype == f"{XSD}decimal":
            return Decimal(lexical)
        if datatype in _INTEGERS or datatype == f"{XSD}gYear":
            return int(lexical)
        if datatype in (f"{XSD}double", f"{XSD}float"):
            return float(lexical)
        if datatype == f"{XSD}boolean":
            return lexical.strip() in ("true", "1")
        if datatype == f"{XSD}date":
            return date.fromisoformat(lexical)
        if datatype == f"{XSD}dateTime":
            return datetime.fromisoformat(lexical.replace("Z", "+00:00"))
    except (ValueError, InvalidOperation):
        return lexical
    return lexical


def lexical(value: Any) -> str:
    """The text of a typed value as SPARQL writes it (``true``, ``2024-01-31``, ``95.5``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
