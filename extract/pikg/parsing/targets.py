"""Targets: what a 三级指标's value cell says, read into operator, value, unit and kind.

Everything here works on normalised text (see ``reading``): full-width forms are already
ASCII, look-alike comparators already ≥ ≤ =.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from pikg import resources
from pikg.model import Target
from pikg.parsing import lexicon

# Longest forms first, so ">=" is never read as ">".
_SYMBOLS = {
    "≥": "≥", ">=": "≥", "=>": "≥",
    "≤": "≤", "<=": "≤", "=<": "≤",
    "==": "=", "=": "=", ">": ">", "<": "<",
}  # fmt: skip
_PRE_WORDS = lexicon.load().pre
_POST_WORDS = lexicon.load().post


def _alternation(words: object, after: str = "") -> str:
    """The words, longest first, each followed by ``after``."""
    return "|".join(re.escape(w) + after for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


SYMBOL = _alternation(_SYMBOLS)
# 为 means = only before a number (为100%), never inside a name (作为, 认定为).
_NAMING_PRE_WORDS = [w for w in _PRE_WORDS if w != "为"]
PRE_WORD = _alternation(_NAMING_PRE_WORDS)
POST_WORD = _alternation(_POST_WORDS)
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# m2, km2, m3: a unit's power, as NFKC writes ㎡ and m³ (the only digits a unit holds)
_POWER = "(?:(?<=[mM])[23])"
_DONE = "完成|完工|到位|办结|结束"  # the verb that may follow a target: 12月底前完成, 100%完成
_DATE = (
    r"(?:(?P<y>\d{4})\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号])?)?"
    r"|(?P<iy>\d{4})[-./](?P<im>\d{1,2})(?:[-./](?P<id>\d{1,2}))?"
    r"|(?:当年|本年度?)?(?P<m2>\d{1,2})\s*月\s*(?:(?P<d2>\d{1,2})\s*[日号])?"
    r"|每月\s*(?P<d3>\d{1,2})\s*[日号])"
    r"\s*(?P<end>年底|年末|月底|月末|底|末)?\s*(?P<before>之前|以前|前)?\s*"
    rf"(?:{_DONE})?"
)
DATE_RE = re.compile(_DATE)
_HEAD = re.compile(rf"\s*(?P<sym>{SYMBOL})?\s*(?P<word>{PRE_WORD}|为(?=\s*\d))?\s*")
_NUMBER_TARGET = re.compile(
    rf"(?P<num>{NUMBER})\s*(?P<unit>[^\s\d;,。、()]{{0,8}}?{_POWER}?)\s*(?P<post>{POST_WORD})?\s*"
    rf"(?:{_DONE})?"
)
# Names that say the target is a point in time, for month-only dates and Excel serials.
_TIME_NAME = re.compile(r"时间|日期|期限|时限|到位|截止|完成时")


def unit_info(written: str | None) -> UnitInfo | None:
    """The unit a written form names, whatever its characters (萬人, ％ are 万人, %)."""
    if not written:
        return None
    from pikg.reading.decode import normalise

    return units().get(written) or units().get(normalise(written)[0])


@dataclass(frozen=True)
class UnitInfo:
    iri: str
    base: str  # the base unit's written form: 人 for 万人, 元 for 万元
    base_iri: str
    multiplier: Decimal
    dimension: str


@cache
def units() -> dict[str, UnitInfo]:
    """Every written form of a unit, read from ``ontology/units.ttl``."""
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import SKOS
    from rdflib.term import Node

    from pikg.namespace import PIK as pik

    qudt = Namespace("http://qudt.org/schema/qudt/")
    graph = resources.ontology_graph("units.ttl")

    def zh(node: Node, prop: URIRef) -> list[str]:
        return sorted(
            str(o)
            for o in graph.objects(node, prop)
            if isinstance(o, Literal) and o.language == "zh"
        )

    table: dict[str, UnitInfo] = {}
    for unit in sorted(set(graph.subjects(pik.dimension, None)), key=str):
        base = graph.value(unit, pik.baseUnit) or unit
        multiplier = graph.value(unit, qudt.conversionMultiplier)
        info = UnitInfo(
            iri=str(unit),
            base=zh(base, SKOS.prefLabel)[0],
            base_iri=str(base),
            multiplier=Decimal(str(multiplier)) if multiplier is not None else Decimal(1),
            dimension=str(graph.value(unit, pik.dimension)),
        )
        for written in zh(unit, SKOS.prefLabel) + zh(unit, SKOS.altLabel):
            table[written] = info
    return table


@cache
def unit_pattern() -> str:
    """A unit as written: one the unit table lists, or a compound of listed units joined by
    `/` or `·` (元/人·月, 人次/年, 万元/公里) — read from its parts, not listed one by one."""
    one = _alternation([*units(), "%%", "‰"])
    return rf"(?:{one})(?:[/·](?:{one})){{0,2}}"


@cache
def _unit_re() -> re.Pattern[str]:
    return re.compile(unit_pattern())


@lru_cache(maxsize=1 << 12)
def is_unit(written: str | None) -> bool:
    """Whether a written unit is one the table lists or a compound of listed ones."""
    return bool(written) and _unit_re().fullmatch(written or "") is not None


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def normalise_amount(value: str, unit: str | None) -> tuple[str | None, str | None]:
    """A number in its base unit: 373.87 万人 → 3738700 人, 8 万元 → 80000 元."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None, None
    info = units().get(unit or "")
    if info is None:
        return _plain(number), unit or None
    return _plain(number * info.multiplier), info.base


def _iso_date(m: re.Match[str], year: int | None) -> str | None:
    if m.group("d3"):
        return None  # 每月10日前: a day of every month, no one date
    y = m.group("y") or m.group("iy")
    mo = m.group("m") or m.group("im") or m.group("m2")
    d = m.group("d") or m.group("id") or m.group("d2")
    end = m.group("end") or ""
    yr = int(y) if y else year
    if yr is None:
        return None
    if mo is None:
        return f"{yr:04d}-12-31" if end else f"{yr:04d}"
    month = int(mo)
    if not 1 <= month <= 12:
        return None
    if d is not None:
        return f"{yr:04d}-{month:02d}-{int(d):02d}"
    if end:
        return f"{yr:04d}-{month:02d}-{calendar.monthrange(yr, month)[1]:02d}"
    return f"{yr:04d}-{month:02d}"


# A date in Chinese numerals (二〇二二年十一月底前, 二〇二四年六月三十日前): matched after
# its numbers are written in digits; the value keeps the text as written.
_CN_DIGIT = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0", "O": "0"}
_CN_NUMBER = "〇零一二三四五六七八九十"
_CN_DATE = re.compile(
    rf"(?P<y>[〇零O一二三四五六七八九]{{4}})\s*年(?:\s*(?P<m>[{_CN_NUMBER}]{{1,2}})\s*月"
    rf"(?:\s*(?P<d>[{_CN_NUMBER}]{{1,3}})\s*[日号])?)?"
)


def _cn_number(text: str) -> int:
    """十一 → 11, 二十三 → 23, 三十 → 30, 七 → 7."""
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return int(_CN_DIGIT[text[-1]])
    return int(_CN_DIGIT.get(tens, "1") if tens else 1) * 10 + (int(_CN_DIGIT[ones]) if ones else 0)


def _arabic_date(text: str) -> str:
    """The text with a leading date in Chinese numerals written in digits, else as it is."""
    m = _CN_DATE.match(text)
    if m is None:
        return text
    out = "".join(_CN_DIGIT[ch] for ch in m.group("y")) + "年"
    if m.group("m"):
        out += f"{_cn_number(m.group('m'))}月"
    if m.group("d"):
        out += f"{_cn_number(m.group('d'))}日"
    return out + text[m.end() :]


def _excel_serial(number: str) -> str | None:
    import datetime

    if not re.fullmatch(r"\d{5}", number) or not 30000 < int(number) < 60000:
        return None
    day = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(number))
    return day.isoformat()


_RANGE_SEP = r"\s*(?:-|—|–|－|~|～|至|到)+\s*"
_RANGE_SPLIT = re.compile(_RANGE_SEP)
_UNIT_WORD = re.compile(r"[\u4e00-\u9fff/]{1,6}")  # a unit pikg does not list, still a word
_SPACED_CHUNK = re.compile(r"\s+(\S+)")
_SPACED_NUMBER = re.compile(rf"({NUMBER})\s+(\S+)")
_RANGE = re.compile(
    rf"(?P<a>{NUMBER})\s*(?P<ua>%|‰)?{_RANGE_SEP}(?P<b>{NUMBER})\s*(?P<unit>[^\s\d;,。、()]{{0,8}}?)"
)
_BOUNDS = re.compile(
    rf"(?P<o1>{SYMBOL})\s*(?P<a>{NUMBER})\s*(?P<ua>[^\s\d;,。、()且和并]{{0,6}}?)\s*(?:且|并且|和|,|，)\s*"
    rf"(?P<o2>{SYMBOL})\s*(?P<b>{NUMBER})\s*(?P<unit>[^\s\d;,。、()]{{0,8}}?)"
)
_PLUS_MINUS = re.compile(
    rf"±\s*(?P<num>{NUMBER})\s*(?P<unit>%|‰|[^\s\d;,。、()]{{0,6}}?)\s*(?P<post>{POST_WORD})?"
)


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return None


def _bounds(operator: str | None, normalized: str | None) -> tuple[Decimal | None, Decimal | None]:
    number = _decimal(normalized)
    if number is None or operator is None:
        return None, None
    lower = number if operator in ("≥", ">", "=") else None
    upper = number if operator in ("≤", "<", "=") else None
    return lower, upper


def _range(body: str, year: int | None) -> Target | None:
    """Both bounds: `80%-90%`, `500～600人次`, `≥95%且≤100%`, or a period of two dates."""
    m = _BOUNDS.fullmatch(body)
    if m and _SYMBOLS[m.group("o1")] in ("≥", ">") and _SYMBOLS[m.group("o2")] in ("≤", "<"):
        unit = m.group("unit") or m.group("ua") or None
        lo = normalise_amount(m.group("a").replace(",", ""), unit)
        hi = normalise_amount(m.group("b").replace(",", ""), unit)
        return Target(
            None, None, body, unit, "range", None, hi[1], _decimal(lo[0]), _decimal(hi[0])
        )
    m = _RANGE.fullmatch(body)
    if m:
        unit = m.group("unit") or m.group("ua") or None
        known = unit is None or is_unit(unit)
        if not known and not _UNIT_WORD.fullmatch(unit or ""):
            return None
        lo = normalise_amount(m.group("a").replace(",", ""), unit)
        hi = normalise_amount(m.group("b").replace(",", ""), unit)
        if (
            _decimal(lo[0]) is not None
            and _decimal(hi[0]) is not None
            and Decimal(lo[0] or 0) <= Decimal(hi[0] or 0)
        ):
            return Target(
                None, None, body, unit, "range", None, hi[1], _decimal(lo[0]), _decimal(hi[0])
            )
    parts = _RANGE_SPLIT.split(body)
    if len(parts) == 2 and all(DATE_RE.fullmatch(p.strip()) for p in parts):
        first = DATE_RE.fullmatch(parts[0].strip())
        if first is not None and (first.group("y") or first.group("iy")):
            return Target(None, None, body, None, "range", None, "date")
    if _DATE_SPAN.fullmatch(body):
        return Target(None, None, body, None, "range", None, "date")
    return None


# A period within one year: `2021.1.1-12.31`, `2023年1-12月`.
_DATE_SPAN = re.compile(
    rf"\d{{4}}\.\d{{1,2}}\.\d{{1,2}}{_RANGE_SEP}\d{{1,2}}\.\d{{1,2}}"
    rf"|\d{{4}}\s*年\s*\d{{1,2}}\s*月?\s*{_RANGE_SEP}\s*\d{{1,2}}\s*月(?:底|末)?"
)


def parse_target(text: str, name: str = "", year: int | None = None) -> Target:
    """Read a target as written: `≥7225 人`, `<=80%`, `2021年12月31日前完成`, `80%-90%`, `=成效明显`.

    Of the row's name only whether it names a time counts (12月 is then a date)."""
    return _parse_target(text, _TIME_NAME.search(name) is not None, year)


# The same targets recur across rows, projects and documents, under other names: keyed on
# the target and whether its name names a time, not on the name.
@lru_cache(maxsize=1 << 16)
def _parse_target(text: str, time_name: bool, year: int | None) -> Target:
    body = text.strip().strip("。;；,，")
    ranged = _range(body, year)
    if ranged is not None:
        return ranged
    pm = _PLUS_MINUS.fullmatch(body)
    if pm:
        unit = pm.group("unit") or None
        value = pm.group("num").replace(",", "")
        normalized, base = normalise_amount(value, unit)
        bound = _decimal(normalized)
        written = pm.group("post")
        return Target(
            "≤", written, value, unit, "number", normalized, base,
            -bound if bound is not None else None, bound,
        )  # fmt: skip
    head = _HEAD.match(body)
    assert head is not None  # every part of it is optional
    sym, word = head.group("sym"), head.group("word")
    operator = _SYMBOLS.get(sym) if sym else None
    if word and (operator is None or operator == "="):
        operator = _PRE_WORDS[word]
    written = sym or word
    rest = body[head.end() :].strip()

    date = DATE_RE.fullmatch(_arabic_date(rest))
    if date and (date.group("y") or date.group("iy") or _month_is_date(date, time_name)):
        before = date.group("before")
        effective = "≤" if before else operator
        # 前 belongs to the date as written (2021年12月31日前): it is meant, not written, as ≤.
        return Target(effective, written, rest, None, "date", _iso_date(date, year), "date")

    number = _NUMBER_TARGET.fullmatch(rest)
    if number:
        value = number.group("num").replace(",", "")
        unit = number.group("unit") or None
        post = number.group("post")
        if post and (operator is None or operator == "="):
            operator = _POST_WORDS[post]
            written = written or post
        elif post and word and not sym:
            written = f"{word}…{post}"  # 控制在…以内: one operator written in two words
        if unit is None and time_name:
            serial = _excel_serial(value)
            if serial is not None:
                return Target(operator, written, value, None, "date", serial, "date")
        normalized, base = normalise_amount(value, unit)
        lower, upper = _bounds(operator, normalized)
        return Target(operator, written, value, unit, "number", normalized, base, lower, upper)

    if not rest:
        return Target(operator, written, None, None, "empty", None, None)
    if word and not sym:
        # 不低于Ⅲ类, 控制在低流行水平: a word before words compares with nothing countable;
        # the whole is a qualitative target.
        return Target(None, None, body, None, "text", None, None)
    return Target(operator, written, rest, None, "text", None, None)


def _month_is_date(date: re.Match[str], time_name: bool) -> bool:
    """12月 is a date under a time name (资金到位时间=12月), else a count of months."""
    return bool(date.group("end") or date.group("before") or time_name)


# ---- locating a target inside a row -------------------------------------------------

_BEFORE_A_NUMBER = r"\s*(?=\d)"
DIGIT = re.compile(r"\d")  # a figure anywhere: the cheap test before a costly search
# One flat alternation, each alternative opening with its word: the regex engine then scans
# for their first characters alone, where a group of alternatives first hides them from it
# (the same as `(?:SYMBOL)|(?:PRE_WORD)\s*(?=\d)`, at a sixth of the cost).
_OPERATOR_AT = re.compile(f"{SYMBOL}|{_alternation(_NAMING_PRE_WORDS, after=_BEFORE_A_NUMBER)}")
_VALUE_CHUNK = re.compile(rf"(?:{SYMBOL})?\s*(?:{PRE_WORD})?\s*(?:{_DATE}|(?:{NUMBER})\S{{0,8}})")
_GLUED_TAIL = re.compile(
    rf"(?<![\d.,])(?:{_DATE}|(?P<num>{NUMBER})\s*(?P<unit>%%?|‰|[^\s\d;,。、()]{{1,4}}?)?"
    rf"\s*(?:{POST_WORD})?)$"
)


def _depth_ok(text: str, pos: int) -> bool:
    """True when pos is outside any bracket: 种植数量(≥**株)>=17600株 keeps its first ≥."""
    depth = 0
    for ch in text[:pos]:
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
    return depth == 0


_ONLY_OPERATORS = re.compile(rf"^(?:\s|{SYMBOL}|{PRE_WORD})*$")


def _is_name(prefix: str) -> bool:
    """A name is more than white space and comparison signs."""
    return not _ONLY_OPERATORS.match(prefix)


@lru_cache(maxsize=1 << 14)  # lines and cells recur: each is searched once
def locate(text: str) -> int | None:
    """Where the target starts in `name target…`, or None when the text has no target."""
    for m in _OPERATOR_AT.finditer(text):
        if _is_name(text[: m.start()]) and _depth_ok(text, m.start()):
            return m.start()
    # No operator: a value standing as its own cell (`设备使用年限 5年`).
    for m in _SPACED_CHUNK.finditer(text):
        if not _is_name(text[: m.start()]):
            continue
        if _VALUE_CHUNK.fullmatch(m.group(1)) or _is_value_with_unit_cell(text[m.start(1) :]):
            return m.start(1)
    # Glued to the name with no separator (`设备使用年限5年`), with a unit pikg knows.
    # Every target glued to a name holds a digit; the tail's search is costly on a name.
    glued = _GLUED_TAIL.search(text) if DIGIT.search(text) else None
    if glued and glued.start() > 0 and _is_name(text[: glued.start()]):
        unit = glued.group("unit")
        if glued.group("num") is None or is_unit(unit):
            return glued.start()
    return None


def _is_value_with_unit_cell(rest: str) -> bool:
    """`2 次`: a bare number followed by a unit cell."""
    m = _SPACED_NUMBER.match(rest)
    return bool(m and is_unit(m.group(2)))


def split_value(rest: str) -> tuple[int, int]:
    """The extent of the target at the start of `rest`; what follows are further columns."""
    for pattern in _value_heads():
        m = pattern.match(rest)
        if m and m.group().strip():
            return 0, m.end()
    return 0, len(rest)


@cache
def _value_heads() -> tuple[re.Pattern[str], ...]:
    """What a target at the start of a cell can be, most specific first (compiled once: the
    unit alternation is long)."""
    return tuple(
        re.compile(pattern)
        for pattern in (
            rf"\s*(?:{SYMBOL})?\s*(?:{PRE_WORD})?\s*{_DATE}",
            rf"\s*(?:{SYMBOL})?\s*(?:{PRE_WORD})?\s*(?:{NUMBER})\s*(?:{unit_pattern()})?"
            rf"\s*(?:{POST_WORD})?",
            rf"\s*(?:{SYMBOL})?\s*(?:{PRE_WORD})?\s*(?:{NUMBER})[^\s;,。、]{{0,8}}",
            rf"\s*(?:{SYMBOL})?\s*\S+",
        )
    )
