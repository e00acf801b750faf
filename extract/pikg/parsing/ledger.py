"""The ledger: what became of every character of a performance section.

Each span a segmenter reads ends in exactly one of: a row, a named skip, or an unparsed record.
``close`` turns whatever no segmenter claimed into unparsed records, so nothing is lost
silently, and asserts that no span is claimed twice.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter
from typing import Literal

from pikg.model import SkipReason

Fate = Literal["row", "skip", "unparsed"]
# What of an unclaimed run is unparsed: from a character that is neither blank nor a cell
# border to the end of its line.
_GAP = re.compile(r"[^\s|][^\n]*")
_SPAN = attrgetter("start", "end")


@dataclass(slots=True)
class Entry:
    start: int
    end: int
    fate: Fate
    reason: SkipReason | None = None


@dataclass
class Ledger:
    entries: list[Entry] = field(default_factory=list)
    # The rows' spans in order, so that a new row is checked against its neighbours only
    # (a table of thousands of rows is one block); rows of no length apart, as points.
    _row_starts: list[int] = field(default_factory=list, repr=False)
    _row_ends: list[int] = field(default_factory=list, repr=False)
    _row_points: list[int] = field(default_factory=list, repr=False)

    def row(self, start: int, end: int) -> None:
        if start == end:
            bisect.insort(self._row_points, start)
        else:
            i = bisect.bisect_right(self._row_starts, start)
            self._row_starts.insert(i, start)
            self._row_ends.insert(i, end)
        self.entries.append(Entry(start, end, "row"))

    def claim_row(self, start: int, end: int) -> bool:
        """Enter a row unless its text is already another row's (a cell read twice)."""
        # Rows of some length never overlap, so the last one starting before ``end`` ends
        # latest of those; a point overlaps a span it falls strictly inside.
        i = bisect.bisect_left(self._row_starts, end if end > start else start)
        if i and self._row_ends[i - 1] > start:
            return False
        k = bisect.bisect_right(self._row_points, start)
        if k < len(self._row_points) and self._row_points[k] < end:
            return False
        self.row(start, end)
        return True

    def skip(self, reason: SkipReason, start: int, end: int) -> None:
        self.entries.append(Entry(start, end, "skip", reason))

    def unparsed(self, start: int, end: int) -> None:
        self.entries.append(Entry(start, end, "unparsed"))

    def close(self, text: str, start: int, end: int) -> list[Entry]:
        """Entries sorted, with every unclaimed non-blank run of [start, end) as unparsed.

        A row's span may hold skips (the level cells carried into it), but two rows never
        share a character.
        """
        entries = sorted(self.entries, key=_SPAN)
        gaps: list[Entry] = []
        pos = start  # the end of what the entries so far cover
        for e in entries:
            a = e.start if e.start > start else start
            b = e.end if e.end < end else end
            if b <= a:
                continue
            # most runs are the blanks and pipes between cells: one search says so
            if a > pos and (m := _GAP.search(text, pos, a)) is not None:
                _add_gaps(text, m.start(), a, gaps)
            if b > pos:
                pos = b
        if pos < end and (m := _GAP.search(text, pos, end)) is not None:
            _add_gaps(text, m.start(), end, gaps)
        out = sorted(entries + gaps, key=_SPAN) if gaps else entries
        rows = [e for e in out if e.fate == "row"]
        for first, second in pairwise(rows):
            assert first.end <= second.start, f"two rows claim the text at {second.start}"
        return out


def _add_gaps(text: str, a: int, b: int, gaps: list[Entry]) -> None:
    """The unparsed runs of the unclaimed [a, b): each from a character that is neither blank
    nor a cell border to the end of its line."""
    for m in _GAP.finditer(text, a, b):
        gaps.append(Entry(m.start(), m.start() + len(m.group().rstrip(" \t|")), "unparsed"))
