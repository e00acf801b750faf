"""The ledger: what became of every character of a performance section.

Each span a segmenter reads ends in exactly one of: a row, a named skip, or an unparsed record.
``close`` turns whatever no segmenter claimed into unparsed records, so nothing is lost
silently, and asserts that no span is claimed twice.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from pikg.model import SkipReason

Fate = Literal["row", "skip", "unparsed"]


@dataclass
class Entry:
    start: int
    end: int
    fate: Fate
    reason: SkipReason | None = None


@dataclass
class Ledger:
    entries: list[Entry] = field(default_factory=list)
    # The rows' spans in order, so that a new row is checked against its neighbours only
    # (a table of thousands of rows is one block).
    _row_starts: list[int] = field(default_factory=list, repr=False)
    _row_ends: list[int] = field(default_factory=list, repr=False)

    def row(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._row_starts, start)
        self._row_starts.insert(i, start)
        self._row_ends.insert(i, end)
        self.entries.append(Entry(start, end, "row"))

    def claim_row(self, start: int, end: int) -> bool:
        """Enter a row unless its text is already another row's (a cell read twice)."""
        # Rows never overlap, so the last one starting before ``end`` ends latest of those.
        i = bisect.bisect_left(self._row_starts, end)
        if i and self._row_ends[i - 1] > start:
            return False
        self.row(start, end)
        return True

    def skip(self, reason: SkipReason, start: int, end: int) -> None:
        self.entries.append(Entry(start, end, "skip", reason))

    def unparsed(self, start: int, end: int) -> None:
        self.entries.append(Entry(start, end, "unparsed"))

    def claimed(self, start: int, end: int) -> bool:
        """Whether any entry already covers a character of [start, end)."""
        return any(e.start < end and start < e.end for e in self.entries)

    def close(self, text: str, start: int, end: int) -> list[Entry]:
        """Entries sorted, with every unclaimed non-blank run of [start, end) as unparsed.

        A row's span may hold skips (the level cells carried into it), but two rows never
        share a character.
        """
        entries = sorted(self.entries, key=lambda e: (e.start, e.end))
        covered = bytearray(end - start)
        for e in entries:
            a, b = max(e.start, start) - start, min(e.end, end) - start
            if b > a:
                covered[a:b] = b"\x01" * (b - a)
        gaps: list[Entry] = []
        i = 0
        size = end - start
        while i < size:
            if covered[i] or text[start + i].isspace() or text[start + i] in "|":
                i += 1
                continue
            j = i
            while j < size and not covered[j] and text[start + j] != "\n":
                j += 1
            piece = text[start + i : start + j].rstrip(" \t|")
            if piece.strip(" \t|"):
                gaps.append(Entry(start + i, start + i + len(piece), "unparsed"))
            i = j
        out = sorted(entries + gaps, key=lambda e: (e.start, e.end))
        rows = [e for e in out if e.fate == "row"]
        for first, second in pairwise(rows):
            assert first.end <= second.start, f"two rows claim the text at {second.start}"
        return out
