"""Labelled fields of forms and web pages: ``项目名称 | X``, ``主管部门: X``, ``发布时间:…``.

A value runs from its label to the end of its cell (a pipe, a tab, two spaces or the end of
the line) or to the next label, for cells glued together with no separator; a label alone in
its cell takes the next non-empty line, as in tables flattened one cell per line. Meta tags of
converted pages (``<meta name="PubDate" content="…">``) are fields too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pikg import resources

_META_NAMES = {
    "articletitle": "title",
    "title": "title",
    "pubdate": "published",
    "contentsource": "publisher",
    "author": "publisher",
}
_META = re.compile(
    r"[<〈]\s*meta\s+name\s*=\s*[\"“”']?(?P<name>[A-Za-z]+)[\"“”']?\s+content\s*=\s*[\"“”']"
    r"(?P<value>[^\"“”'>〉]*)[\"“”']",
    re.IGNORECASE,
)
_CELL_END = re.compile(r"\||\t| {2,}|\n|$")
_LEAD = re.compile(r"[\s:：|*\-]*")
_SPACE = re.compile(r"\s+")
# How many line breaks a one-cell-per-line table may put between a label and its value.
_NEXT_LINES = 3


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    value: str
    start: int  # offset of the value in the text
    end: int


@cache
def _labels() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    table: dict[str, tuple[str, bool]] = {}
    for row in resources.read_data_lines("fields.tsv"):
        table[row[1]] = (row[0], len(row) > 2 and row[2] == "colon")
    by_first: dict[str, list[str]] = {}  # longest first within each
    for label in sorted(table, key=len, reverse=True):
        # 项目 名称; never across a line. The first character is the group's (below).
        rest = "".join(f" ?{re.escape(ch)}" for ch in label[1:])
        if table[label][1]:
            # A generic word (来源, 时间) is a label only at a cell start and before a colon:
            # the look-behind, after the first character, takes it in.
            first = re.escape(label[0])
            rest = rf"(?:(?<=^{first})|(?<=[\s|\-]{first})){rest}(?=\s*[:：])"
        by_first.setdefault(label[0], []).append(rest)
    # Every label opens with its first character, written once for all the labels it opens:
    # the regex engine then scans for those characters alone, passing over the others at
    # once, and at a character tries only the labels it opens (in the same order, so the
    # same wins).
    groups = "|".join(f"{re.escape(ch)}(?:{'|'.join(b)})" for ch, b in by_first.items())
    return re.compile(f"(?:{groups})", re.MULTILINE), table


def _canonical(written: str) -> str:
    return _SPACE.sub("", written)


@lru_cache(maxsize=8)  # the facts of one document read it several times
def read_fields(text: str) -> tuple[Field, ...]:
    """Every labelled field of ``text``, in order."""
    pattern, table = _labels()
    found = list(pattern.finditer(text))
    fields: list[Field] = []
    for i, m in enumerate(found):
        key, _ = table[_canonical(m.group())]
        limit = found[i + 1].start() if i + 1 < len(found) else len(text)
        lead = _LEAD.match(text, m.end(), limit)
        start = lead.end() if lead else m.end()
        if text.count("\n", m.end(), start) > _NEXT_LINES:
            continue
        end_m = _CELL_END.search(text, start, limit)
        end = end_m.start() if end_m else limit
        value = text[start:end].strip()
        if value:
            fields.append(Field(key, _canonical(m.group()), value, start, start + len(value)))
    for m in _META.finditer(text):
        meta_key = _META_NAMES.get(m.group("name").lower())
        content = m.group("value").strip()
        if meta_key and content:
            fields.append(
                Field(meta_key, m.group("name"), content, m.start("value"), m.end("value"))
            )
    return tuple(fields)
