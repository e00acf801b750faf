"""Batches: documents worked through in parallel processes, and what became of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pikg.errors import DocumentError

T = TypeVar("T")


def _attempt(work: Callable[[Path], T], path: Path) -> T | DocumentError:
    try:
        return work(path)
    except DocumentError as exc:
        return exc


def each(
    paths: list[Path], work: Callable[[Path], T], jobs: int = 1
) -> Iterator[tuple[Path, T | DocumentError]]:
    """``work`` on every path, in order, in ``jobs`` processes; an unreadable document gives
    its error in place of a result, so one bad file never stops the batch."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield path, _attempt(work, path)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(_attempt, [work] * len(paths), paths, chunksize=4)
        yield from zip(paths, results, strict=True)


@dataclass
class Summary:
    """What a batch came to: documents read by format, rows, and the files that failed."""

    formats: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    failed: int = 0

    def read(self, format: str, rows: int) -> None:
        self.formats[format] += 1
        self.rows += rows

    @property
    def documents(self) -> int:
        return sum(self.formats.values())

    def line(self) -> str:
        """``read 5 documents (pdf 2, xlsx 3): 120 rows; 1 failed``"""
        by_format = ", ".join(f"{name} {n}" for name, n in sorted(self.formats.items()))
        noun = "document" if self.documents == 1 else "documents"
        text = f"read {self.documents} {noun}"
        text += f" ({by_format})" if by_format else ""
        return f"{text}: {self.rows} rows; {self.failed} failed"
