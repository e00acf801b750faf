"""Everything the parser recognises, from data: one loader for ``data/lexicon.tsv``.

Level names come from ``ontology/framework.ttl`` (``framework``), units from
``ontology/units.ttl`` (``targets.units``); the rest — header roles, period words, operator
words, totals, form boilerplate and contact labels — from the table here. Entries are
matched against cells folded for matching (see ``reading.decode``) with white space removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from pikg import resources

_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_SQUEEZED = re.compile(r"[\s|]+")
_SPACE = re.compile(r"\s+")
_COLON = re.compile(r"[:：]")
_YEAR_HEADER = re.compile(r"(\d{4})年?(.+)")  # 2021实际值, 2022年目标值
_CUT_BRACKET = re.compile(r"([^(（]+)[(（][^)）]*$")  # a header wrapped inside its bracket
_NOTE = re.compile(r"[*#_]*(?:注|备注|说明|注释)\d?[:：]")  # a note under the table
# A cell of nothing but tick boxes and ticks is the form's, never a row.
_TICK_BOXES = "□☐■√"
_SIGNED = re.compile("盖章|签字|签章")  # a signature's place, wherever in the cell
_LABEL_MARKS = re.compile(r"[:：*(（]")


@lru_cache(maxsize=1 << 16)  # cells are squeezed wherever they are looked up
def squeeze(cell: str) -> str:
    """A cell as the lexicon matches it: no white space, no trailing pipes or colons."""
    return _SQUEEZED.sub("", cell).strip(":：*")


def unbracketed(text: str) -> str:
    """``text`` without its notes in brackets: `指标值（含说明）` → `指标值`."""
    return _BRACKETS.sub("", text)


@dataclass(frozen=True)
class Lexicon:
    headers: dict[str, str]  # header cell → column role
    periods: dict[str, str]  # period word → period key
    pre: dict[str, str]  # operator word before the number → operator
    post: dict[str, str]  # operator word after the number → operator
    totals: frozenset[str]
    boilerplate: frozenset[str]
    contacts: frozenset[str]
    natures: dict[str, str]
    qualitative: tuple[str, ...]  # longest first
    footers: tuple[str, ...]
    explain_starts: tuple[str, ...]
    entries: dict[str, dict[str, str]]  # every kind of entry: written form → key

    def words(self, kind: str, key: str | None = None) -> tuple[str, ...]:
        """The written forms of one kind of entry (of one key), longest first."""
        table = self.entries.get(kind, {})
        found = [w for w, k in table.items() if key is None or k == key]
        return tuple(sorted(found, key=len, reverse=True))

    def pattern(self, kind: str, key: str | None = None) -> str:
        """The written forms as one regular-expression alternation, longest first."""
        return "|".join(re.escape(w) for w in self.words(kind, key))

    @cached_property
    def periods_longest_first(self) -> tuple[str, ...]:
        return tuple(sorted(self.periods, key=len, reverse=True))

    @cached_property
    def longest_header(self) -> int:
        return max(map(len, self.headers), default=0)

    @cached_property
    def header_firsts(self) -> frozenset[str]:
        """The first characters of the header words."""
        return frozenset(w[0] for w in self.headers if w)

    @cached_property
    def header_ends(self) -> frozenset[str]:
        """The last characters a header cell can have: a header word's, or a closing bracket
        (of the period or the note taken off it)."""
        return frozenset({w[-1] for w in self.headers} | {")", "）"})

    @cached_property
    def footer_pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(map(re.escape, self.footers)) or r"(?!)")  # none: no match

    def header_role(self, cell: str) -> tuple[str, str | None] | None:
        """(role, period) of a header cell — `全年(程) 指标值` is a value column of 全年 — or None."""
        text = squeeze(cell)
        if not text or (text[-1] not in self.header_ends and "(" not in text and "（" not in text):
            return None  # every reading below ends in a header word or a bracket, or opens one
        if text in self.headers:
            return self.headers[text], None
        if text.startswith(self.periods_longest_first):  # one test for all: most cells open none
            for word in self.periods_longest_first:
                if text.startswith(word) and len(text) > len(word):
                    rest = text[len(word) :]
                    role = self.headers.get(rest) or self.headers.get(_BRACKETS.sub("", rest))
                    if role is not None:
                        return role, self.periods[word]
        m = _YEAR_HEADER.fullmatch(text)  # 2021实际值, 2022年目标值
        if m and (role := self.headers.get(m.group(2))) is not None:
            return role, m.group(1)
        if "(" not in text and "（" not in text:
            return None  # the readings below take a bracket off
        bare = _BRACKETS.sub("", text)
        if bare != text and bare in self.headers:
            return self.headers[bare], None
        cut = _CUT_BRACKET.match(text)  # 指标值（包含数字及文 — wrapped
        if cut and cut.group(1) in self.headers:
            return self.headers[cut.group(1)], None
        return None

    def is_total(self, cell: str) -> bool:
        return squeeze(cell) in self.totals

    def is_boilerplate(self, cell: str) -> bool:
        text = squeeze(cell)
        if (":" in cell or "：" in cell) and _NOTE.match(_SPACE.sub("", cell)):
            return True  # a note under the table (注：…)
        return text in self.boilerplate or (bool(text) and not text.strip(_TICK_BOXES))

    def is_footer(self, cell: str) -> bool:
        """A web page's footer (ICP备, 主办): wherever it appears in a cell."""
        return self.footer_pattern.search(squeeze(cell)) is not None

    def is_contact(self, cell: str) -> bool:
        """A contact or signature label, alone or with what follows its colon."""
        text = squeeze(cell)
        if text in self.contacts or _SIGNED.search(text):
            return True
        if not _LABEL_MARKS.search(cell):
            return False  # no colon, bracket or leading mark: no label to find before one
        flat = _SPACE.sub("", cell)
        head = _BRACKETS.sub("", _COLON.split(flat.lstrip("*"), maxsplit=1)[0])
        return head != flat and head in self.contacts


@cache
def load() -> Lexicon:
    tables: dict[str, dict[str, str]] = {}
    for kind, key, word in resources.read_data_lines("lexicon.tsv"):
        tables.setdefault(kind, {})[word] = key
    return Lexicon(
        headers=tables["header"],
        periods=tables["period"],
        pre=tables["pre"],
        post=tables["post"],
        totals=frozenset(tables["total"]),
        boilerplate=frozenset(tables["boilerplate"]),
        contacts=frozenset(tables["contact"]),
        natures=tables["nature"],
        qualitative=tuple(sorted(tables["qualitative"], key=len, reverse=True)),
        footers=tuple(tables["footer"]),
        explain_starts=tuple(tables["explain-start"]),
        entries=tables,
    )
