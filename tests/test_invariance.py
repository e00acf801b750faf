"""What only changes a text's layout changes none of its rows (issue 10).

Archives and converters re-wrap the same table in many ways: Windows line ends, trailing or
leading spaces, full-width bars, tabs. Each layout case (tests/cases) rewritten so must give
the rows it gives as written. Blank lines are not among these: one between the pieces of a
wrapped name is a real break.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pikg import extract_text

from .test_cases import CASES, LAYOUT_CASES, PENDING

FIELDS = ("level1", "level2", "name", "operator", "value", "unit", "actual")
REWRITES: dict[str, Callable[[str], str]] = {
    "crlf": lambda s: s.replace("\n", "\r\n"),
    "trailing-spaces": lambda s: s.replace("\n", "  \n"),
    "indented": lambda s: "\n".join("    " + ln if ln.strip() else ln for ln in s.split("\n")),
    "full-width-bars": lambda s: s.replace("|", "｜"),
    "tabs-for-bars": lambda s: s.replace(" | ", "\t"),
}


def _rows(text: str) -> list[tuple[object, ...]]:
    return [tuple(r.to_dict()[k] for k in FIELDS) for r in extract_text(text, "case.txt").rows]


@pytest.mark.parametrize("case", [c for c in LAYOUT_CASES if c not in PENDING])
def test_issue10_layout_only_rewrites_keep_every_case_s_rows(case: str) -> None:
    text = (CASES / case / "input.txt").read_bytes().decode("utf-8")
    rows = _rows(text)
    changed = {name: got for name, f in REWRITES.items() if (got := _rows(f(text))) != rows}
    assert not changed, {name: sorted(set(got) ^ set(rows))[:3] for name, got in changed.items()}
