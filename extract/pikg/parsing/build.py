"""One row builder: a candidate's named columns into an ``IndicatorRow``, with one target grammar.

Whatever the layout, a row is built here: its name as written, its levels (stated, or
inferred from the name's head word), its target read by ``targets.parse_target``, and for
self-evaluations its achieved value and whether it meets the target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pikg.model import EMPTY_TARGET, IndicatorRow, LevelRef, Target
from pikg.parsing import framework as framework_module
from pikg.parsing import values
from pikg.parsing.framework import Level
from pikg.parsing.layouts import CONTINUED, Candidate, LevelCell, ProseItem
from pikg.parsing.names import PINYIN_GLOSS, simplified
from pikg.parsing.segment import infer_levels
from pikg.parsing.targets import DIGIT, SYMBOL, locate, parse_target, split_value, unit_info
from pikg.reading.decode import INLINE_TAG, Source

_LEADING_ENUM = re.compile(
    r"^(?:\d+[、.．)）]|[(（]\d+[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])\s*"
)
_NAME_TRIM = " :：、,，;；。-—|*"
_LEVEL_WEIGHT = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
_NAMED_LIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # a name says something: not `≥≥≥`
_HEADING_END = re.compile(r"[。,，]|(?:[(（]\d{1,2}[)）]|\d{1,2}[.．、])$")
_HEADING_START = re.compile(
    r"\s*(?:[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．])"
)
_CLOSING_COMPARISON = re.compile(rf"(?:{SYMBOL})\s*\d[^\s;；,，。]*$")
_UNIT_IN_NAME = re.compile(r"[(（]([^()（）]{1,6})[)）]$")
_SYMBOL_ONLY = re.compile(SYMBOL)
_PROSE_MARK = re.compile(r"[。;；]")
_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_FIRST = re.compile(rf"\s*(?:{SYMBOL})?\s*\d")
_LINE_BREAK = re.compile(r"\s*\n\s*")
# `1-6期培训结束后考核`: the number opens a span the text goes on with, not a target of its own.
_RANGE_ON = re.compile(r"\s*[-—–~～至到]\s*\d")
# Two or more options each followed by a tick box: a field of the form to tick, not a target.
_CHOICES = re.compile(r"(?:[\u4e00-\u9fffA-Za-z]{1,8}\s*[□☐■☑√]\s*){2,}")
_TICK = re.compile(r"[□☐■☑√]")  # what every list of choices holds
# A name longer than this, or holding a full stop, is prose, not an indicator.
MAX_NAME = 60
# Period keys preferred as a row's value when a table has several value columns.
_PERIOD_RANK = {"full": 3, "year": 2, None: 1, "half": 0, "mid": 0, "prior": -1}
_COMPARE = {
    "≥": lambda a, t: a >= t,
    "≤": lambda a, t: a <= t,
    "=": lambda a, t: a == t,
    ">": lambda a, t: a > t,
    "<": lambda a, t: a < t,
}


@dataclass
class Context:
    source: Source
    scheme: str
    year: int | None
    project: str | None


def written(source: Source, start: int, end: int) -> str:
    """Text as the publisher wrote it, without line breaks, spaces or pinyin glosses."""
    return _written(source.raw(start, end))


def _written(raw: str) -> str:
    text = "".join((INLINE_TAG.sub("", raw) if "<" in raw else raw).split()).replace("|", "")
    return PINYIN_GLOSS.sub("", text) if "(" in text or "（" in text else text


def _ref(ctx: Context, cell: LevelCell | None) -> LevelRef | None:
    if cell is None:
        return None
    level = cell.level
    raw = ctx.source.raw(cell.cell.start, cell.cell.end) if cell.cell else None
    return _level_cell_ref(raw, level.label, level.iri)


# A level cell is carried into every row under it; keyed on strings, whose hashes Python
# keeps, not on the Level, whose hash is computed anew each time.
@lru_cache(maxsize=1 << 12)
def _level_cell_ref(raw: str | None, canonical: str, iri: str) -> LevelRef:
    label = _written(raw) if raw is not None else canonical
    # 产出指标（50分）, 1.产出指标: the weight and the form's numbering are apart
    label = _LEADING_ENUM.sub("", _LEVEL_WEIGHT.sub("", label)) or canonical
    return LevelRef(label=label, iri=iri, canonical=canonical)


def _level_ref(level: Level | None) -> LevelRef | None:
    return LevelRef(level.label, level.iri, level.label) if level else None


def _name(ctx: Context, start: int, end: int) -> str:
    return _LEADING_ENUM.sub("", written(ctx.source, start, end)).strip(_NAME_TRIM)


def from_candidate(ctx: Context, cand: Candidate) -> IndicatorRow | None:
    """The row a table candidate makes, or None when it is not one (then it is unparsed)."""
    src = ctx.source
    text = src.text
    by_role: dict[str, list[tuple[str | None, int, int]]] = {}
    for role, period, cell in cand.cells:
        if cell.kind != "empty":
            by_role.setdefault(role, []).append((period, cell.start, cell.end))
    names = by_role.get("name", [])
    if len(names) == 1:  # the common case, without a generator to join
        name = _name(ctx, names[0][1], names[0][2])
    else:
        name = "".join(_name(ctx, a, b) for _, a, b in names)
    values = by_role.get("value", [])
    value_text = ""
    period = None
    column = None
    if values:
        best = values[0] if len(values) == 1 else max(values, key=_period_rank)
        period, a, b = best
        value_text = _flat(text[a:b]) + "".join(
            _flat(text[x:y]) for _, x, y in by_role.get(f"value{CONTINUED}", [])
        )  # a value wrapped onto the lines below, under other columns' cells
    elif names:
        # No value column filled: the target may be glued to the name (`设备使用年限5年`).
        _, a, b = names[-1]
        cell_text = text[a:b]
        at = locate(cell_text)
        if at is not None and at > 0:
            value_text = cell_text[at:].strip()
            name = "".join(_name(ctx, x, y) for _, x, y in names[:-1]) + _name(ctx, a, a + at)
    ops = by_role.get("op", [])
    op_text = text[ops[0][1] : ops[0][2]].strip() if ops else ""
    direction = by_role.get("direction", [])
    direction_text = text[direction[0][1] : direction[0][2]].strip() if direction else None
    if not op_text and direction_text and _SYMBOL_ONLY.fullmatch(direction_text):
        op_text = direction_text  # 指标方向 written as ≥ / ≤
        direction_text = None
    nature = by_role.get("nature", [])
    nature_text = text[nature[0][1] : nature[0][2]].strip() if nature else ""
    if not op_text and _SYMBOL_ONLY.fullmatch(nature_text):
        op_text = nature_text  # templates that file the comparison under 指标性质
    unit_cells = by_role.get("unit", [])
    unit_text = text[unit_cells[0][1] : unit_cells[0][2]].strip() if unit_cells else ""
    if op_text and value_text.startswith(op_text):
        op_text = ""  # `≥ | ≥12`: the value writes its operator, the operator column repeats it
    if unit_text and value_text.endswith(unit_text):
        unit_text = ""  # `≥95% | %`: the value writes its unit, the unit column repeats it
    elif not unit_text and cand.unit and value_text[-1:].isdigit():
        unit_text = cand.unit  # `目标值（%）` over a bare `≥90`
    if cand.unnamed:
        level = cand.l2 or cand.l1
        name = _ref(ctx, level).label if level else ""  # type: ignore[union-attr]
    if not _NAMED_LIKE.search(name) or len(name) > MAX_NAME or "。" in name:
        return None
    if values and _prose(value_text) and not DIGIT.search(value_text):
        return None
    if _TICK.search(value_text) and _CHOICES.search(value_text):  # the search is costly on text
        return None  # the form's tick boxes (优秀□ 良好□ 合格□), not a target
    target = _target(f"{op_text}{value_text}{unit_text}", name, ctx.year)
    spans = [(a, b) for _, a, b in values + unit_cells] or [(x, y) for _, x, y in names[-1:]]
    target = as_written(src, spans, target)
    if target.kind == "empty" and (
        len(name) > 40
        or _HEADING_END.search(name)
        or (names and _HEADING_START.match(text, names[0][1]))
        or (names and text[names[-1][1] : names[-1][2]].rstrip().endswith("。"))
    ):
        return None  # prose, or a heading with its enumeration (完成情况(1), （四）…), not a name
    # `2023年实际完成值` beside `2024年预期目标值`: last period's outcome, not this target's
    actual_cells = [c for c in by_role.get("actual", []) if not _earlier(c[0], period)]
    actual_text = None
    if actual_cells:
        actual_text = written(src, actual_cells[-1][1], actual_cells[-1][2]) + "".join(
            written(src, x, y) for _, x, y in by_role.get(f"actual{CONTINUED}", [])
        )
        actual_text = actual_text or None
    completion = _first(ctx, by_role.get("completion", []))
    a, b = src.span(*cand.extent)
    if cand.project is not None:
        rest = "".join(written(src, c.start, c.end) for c in cand.project_rest)
        ctx = replace(ctx, project=written(src, cand.project.start, cand.project.end) + rest)
    return _row(
        ctx,
        cand.l1,
        cand.l2,
        name,
        target,
        (a, b),
        actual_text=actual_text,
        completion=completion,
        direction=direction_text,
        weight=_decimal(_first(ctx, by_role.get("weight", []))),
        score=_decimal(_first(ctx, by_role.get("score", []))),
        reason=_first(ctx, by_role.get("reason", [])),
        period=period,
        column=column,
    )


def from_prose(ctx: Context, item: ProseItem) -> IndicatorRow | None:
    src = ctx.source
    levels = [lv for _, _, lv in item.levels]
    l1 = next((LevelCell(None, lv) for lv in levels if lv.depth == 1), None)
    l2 = next((LevelCell(None, lv) for lv in levels if lv.depth == 2), None)
    cells = {lv.key: (x, y) for x, y, lv in item.levels}
    if l1 and l1.level.key in cells:
        l1 = _located(l1.level, cells[l1.level.key])
    if l2 and l2.level.key in cells:
        l2 = _located(l2.level, cells[l2.level.key])
    if item.name is not None:
        name = _name(ctx, *item.name)
    else:
        level = l2 or l1
        name = _ref(ctx, level).label if level else ""  # type: ignore[union-attr]
    if not name or len(name) > MAX_NAME:
        return None
    value_text = _flat(src.text[item.target[0] : item.target[1]]) if item.target else ""
    target = _target(value_text, name, ctx.year)
    if item.target:
        target = as_written(src, [item.target], target)
    a, b = src.span(item.start, item.end)
    return _row(ctx, l1, l2, name, target, (a, b))


def as_written(source: Source, spans: list[tuple[int, int]], target: Target) -> Target:
    """The target's unit (and a range, date or text) as the source writes them: `萬小時`,
    `500～600人次`, `每月１０日前`.

    The grammar reads folded text; what the row reports is the publisher's own characters.
    """

    def original(folded: str | None) -> str | None:
        if not folded:
            return folded
        for a, b in reversed(spans):
            at = source.text.rfind(folded, a, b)
            if at >= 0:
                return _unwrapped(source.raw(at, at + len(folded)))
        return folded

    value = original(target.value) if target.kind in ("range", "date", "text") else target.value
    unit = original(target.unit)
    if unit == target.unit and value == target.value:
        return target  # the common case: the folded text is the written one
    return replace(target, unit=unit, value=value)


def _flat(text: str) -> str:
    """A value read across a line break, as one."""
    return _unwrapped(text).strip()


def _unwrapped(text: str) -> str:
    """Text without its line breaks and the white space around them."""
    return _LINE_BREAK.sub("", text) if "\n" in text else text


def _located(level: Level, span: tuple[int, int]) -> LevelCell:
    from pikg.parsing.tokens import Cell

    return LevelCell(Cell(span[0], span[1], "", "level", -1, (level,)), level)


def _target(text: str, name: str, year: int | None) -> Target:
    """The target of a value cell; what follows the target in the cell is not part of it."""
    text = text.strip()
    if not text:
        return EMPTY_TARGET
    target = parse_target(text, name, year)
    cut = len(text)
    if target.kind == "text" and _NUMBER_FIRST.match(text):
        _, head_cut = split_value(text)
        head = parse_target(text[:head_cut], name, year)
        after = _CLOSING_COMPARISON.search(text, head_cut)
        if head.kind == "date" and after is not None:
            # `2024年11月底前支出进度≥90%`: by a date, a level — the level is the target
            text = after.group()
            head, head_cut = parse_target(text, name, year), len(text)
        if head.kind in ("number", "date") and not _RANGE_ON.match(text, head_cut):
            target, cut = head, head_cut  # `100%(历史标准)`: the target, then its basis
    _, target = values.checked(text, cut, target)  # impossible dates, 1/2, 1e3: text
    if target.kind == "number" and target.unit is None:
        unit = _UNIT_IN_NAME.search(name)
        if unit and (unit_info(unit.group(1)) or unit.group(1) in ("%", "‰")):
            target = parse_target(f"{text}{unit.group(1)}", name, year)
    return target


def _row(
    ctx: Context,
    l1: LevelCell | None,
    l2: LevelCell | None,
    name: str,
    target: Target,
    span: tuple[int, int],
    actual_text: str | None = None,
    completion: str | None = None,
    direction: str | None = None,
    weight: Decimal | None = None,
    score: Decimal | None = None,
    reason: str | None = None,
    period: str | None = None,
    column: str | None = None,
) -> IndicatorRow:
    fw = framework_module.load()
    src = ctx.source
    level1, level2 = _ref(ctx, l1), _ref(ctx, l2)
    if level2 is not None and level1 is None and l2 is not None:
        level1 = _level_ref(fw.parent(l2.level))
    source_kind = "stated" if level1 or level2 else "unknown"
    if level1 is None and level2 is None:
        # cue words and units are Simplified: a mirror's Traditional 參保人數, 1處 read as theirs
        unit = simplified(target.unit) if target.unit else None
        i1, i2 = infer_levels(simplified(name), unit, fw, ctx.scheme)
        level1, level2 = _level_ref(i1), _level_ref(i2)
        source_kind = "inferred" if i1 else "unknown"
    actual = parse_target(actual_text, name, ctx.year) if actual_text else None
    a, b = span
    return IndicatorRow(
        doc=src.path,
        project=ctx.project,
        level1=level1,
        level2=level2,
        level_source=source_kind,  # type: ignore[arg-type]
        name=name,
        target=target,
        raw=_unwrapped(src.original[a:b]),
        start=a,
        end=b,
        scheme=ctx.scheme,
        actual=actual,
        actual_written=actual_text,
        met=target_met(target, actual) if actual else None,
        completion=completion,
        direction=direction,
        weight=weight,
        score=score,
        deviation_reason=reason,
        period=period,
        column=column,
    )


def _period_rank(value: tuple[str | None, int, int]) -> int:
    return _PERIOD_RANK.get(value[0], 2 if value[0] else 1)


def _earlier(period: str | None, than: str | None) -> bool:
    """A period (a year) before another: both written as years."""
    return bool(period and than and period.isdigit() and than.isdigit() and period < than)


def _first(ctx: Context, cells: list[tuple[str | None, int, int]]) -> str | None:
    if not cells:
        return None
    return written(ctx.source, cells[0][1], cells[0][2]) or None


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    m = _LEADING_NUMBER.match(text)
    try:
        return Decimal(m.group()) if m else None
    except InvalidOperation:
        return None


def _prose(text: str) -> bool:
    return len(text) > 24 or bool(_PROSE_MARK.search(text)) or text.count("、") >= 2


def target_met(target: Target, actual: Target) -> bool | None:
    """Whether an achieved value meets its target; None where the two cannot be compared."""
    if target.kind == "range" and actual.kind == "number" and actual.value_normalized:
        if actual.unit_normalized != target.unit_normalized:
            return None
        value = Decimal(actual.value_normalized)
        lo, hi = target.lower, target.upper
        if lo is None or hi is None:
            return None
        return lo <= value <= hi
    if target.operator not in _COMPARE or target.value_normalized is None:
        return None
    if actual.value_normalized is None or actual.kind != target.kind:
        return None
    if target.kind == "number":
        if actual.unit_normalized != target.unit_normalized:
            return None
        a, t = Decimal(actual.value_normalized), Decimal(target.value_normalized)
        return bool(_COMPARE[target.operator](a, t))
    if target.kind == "date" and len(actual.value_normalized) == len(target.value_normalized):
        return bool(_COMPARE[target.operator](actual.value_normalized, target.value_normalized))
    return None
