"""Spreadsheet values as text the way the sheet shows them: numbers, percentages and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def number_text(value: float | int | Decimal) -> str:
    """A number as written: no float noise, no exponent, no trailing zeros."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"


def date_text(value: dt.datetime | dt.date | dt.time) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    return value.isoformat()


def cell_text(value: object, number_format: str = "General") -> str:
    """The text of a cell value; a number formatted as a percentage keeps its ``%``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return date_text(value)
    if isinstance(value, (int, float, Decimal)):
        if "%" in number_format:
            return number_text(Decimal(repr(value)) * 100) + "%"
        return number_text(value)
    return str(value)
