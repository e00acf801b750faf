"""Values that cannot be meant as written: a date that does not exist (`2021-02-30`), a vulgar
fraction (`≥½`, which NFKC makes `1⁄2`) or a number in exponent notation (`≥1e5`). The number
reader would take the leading digits (`1`) and drop the rest, a silent wrong number; these
checks turn such a value into text, which the `malformed-value` shape reports as a finding.

Small functions over the value cell's text, apart from the target grammar in ``targets``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace

from pikg.parsing.targets import PRE_WORD, SYMBOL, Target

# What may follow the digits a number reader took and still belong to the same number: a
# fraction slash and denominator, or an exponent.
_GLUED_TAIL = re.compile(r"(?:\s*[⁄/]\s*\d+|[eE][+-]?\d+)(?=\D|$)")
_DATE_PARTS = re.compile(
    r"(?P<y>\d{4})\s*(?:年|[-./])\s*(?P<m>\d{1,2})\s*(?:(?:月|[-./])\s*(?P<d>\d{1,2}))?"
)
_HEAD = re.compile(rf"\s*(?:{SYMBOL})?\s*(?:{PRE_WORD})?\s*")


def glued_tail(text: str, cut: int) -> int:
    """Where the value in ``text`` really ends when a fraction or an exponent follows the
    number that ends at ``cut``; ``cut`` itself when none does."""
    tail = _GLUED_TAIL.match(text, cut)
    if tail is None or cut == 0 or not text[cut - 1].isdigit():
        return cut
    end = tail.end()
    while end < len(text) and not text[end].isspace():
        end += 1  # the unit glued after it (`1⁄2台`) is part of the same cell
    return end


def impossible_date(text: str) -> bool:
    """A year-month(-day) written in ``text`` that no calendar has: month 13, 30 February."""
    for m in _DATE_PARTS.finditer(text):
        year, month = int(m.group("y")), int(m.group("m"))
        if not 1 <= month <= 12:
            return True
        if m.group("d") is not None:
            day = int(m.group("d"))
            if not 1 <= day <= calendar.monthrange(year, month)[1]:
                return True
    return False


def as_malformed(text: str, target: Target) -> Target:
    """``target`` read as text: what was written after the operator, with no number, unit or
    date made of it."""
    written = text[_HEAD.match(text).end() :].strip()  # type: ignore[union-attr]
    return replace(
        target, value=written, unit=None, kind="text", value_normalized=None, unit_normalized=None
    )


def checked(text: str, cut: int, target: Target) -> tuple[int, Target]:
    """The extent and reading of the value at the start of ``text`` (``cut`` and ``target``
    as the target grammar gave them), made text where the value cannot be meant as written."""
    end = glued_tail(text, cut)
    if end != cut:
        return end, as_malformed(text[:end], target)
    if target.kind == "date" and impossible_date(text[:cut]):
        return cut, as_malformed(text[:cut], target)
    return cut, target
