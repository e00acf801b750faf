"""What a batch of documents came to: the summary line that ends it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


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
