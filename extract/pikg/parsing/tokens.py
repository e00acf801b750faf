"""A block of lines into typed tokens (cells) with source spans.

A cell is what a table would hold in one box: separated by `|`, tabs or white space, one a
line, or glued with no separator at all (then the lexicon's level names and header words, and
runs of targets, are where it splits). Every cell knows its span in the folded text and its
kind; the layout segmenters decide which cells make a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import pairwise
from typing import Literal

from pikg.parsing import framework as framework_module
from pikg.parsing import lexicon as lexicon_module
from pikg.parsing.framework import Level
from pikg.parsing.lexicon import squeeze
from pikg.parsing.targets import (
    DIGIT,
    NUMBER,
    POST_WORD,
    PRE_WORD,
    SYMBOL,
    is_unit,
    locate,
    parse_target,
    unit_pattern,
)

CellKind = Literal[
    "level", "header", "target", "op", "unit", "score", "text", "empty",
    "total", "boilerplate", "contact", "page", "footer",
]  # fmt: skip

# 第3页, 第3页共9页, 共9页, - 3 -: a page mark. A bare 3 may be a value; the segmenter decides.
PAGE_MARK = r"第\d+页(?:[,，/]?共\d+页)?|共\d+页|[-—－]+\d{1,3}[-—－]+"
_PAGE = re.compile(PAGE_MARK)
_PHONE = re.compile(r"(?:\d{3,4}[-—]?)?\d{7,8}|1[3-9]\d{9}|\d{3,4}-\d?x+")
_NAMED_PHONE = re.compile(r"[\u4e00-\u9fff]{2,4}\d{7,12}")  # a name and a number
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_SYMBOL = re.compile(SYMBOL)
_WORD = re.compile(r"\S+")
_ITEM = re.compile(r"[^;；]+")
_SCORE = re.compile(rf"(?:{NUMBER})\s*分")
_SPLIT = re.compile(r"[|\t]")
# A space-separated line's cells: runs of non-space, or a word a PDF's text layer letter-spaced
# (`产 出 指 标`: single characters one space apart), which is one cell.
_WORD = re.compile(r"(?<!\S)[\u4e00-\u9fff](?= )(?: [\u4e00-\u9fff](?!\S))+|\S+")
# A day written whole (a deadline or the day a target was met, 前完成 and all): one target,
# not a year, a month and a day glued.
_DAY = r"\d{4}年\d{1,2}月(?:\d{1,2}[日号])?(?:底|末)?(?:(?:之前|以前|前)(?:完成)?)?"
# A glued cell longer than this is searched for level names and header words inside it.
GLUED_CELL = 24
# A yes/no indicator glued to its direction and answers: `…问题是/否否否`.
_YES_NO_RUN = re.compile(r"(是/否|是或否)([是否]+)$")
# An explanation restating the last MIN_RESTATED..MAX_RESTATED characters of the name before
# it, and at least MIN_EXPLANATION long, marks where a glued name ends.
MIN_RESTATED = 3
MAX_RESTATED = 8
MIN_EXPLANATION = 6
# A name is at least this long: a qualitative word closing a shorter run is no target.
MIN_NAME = 4


@dataclass(slots=True)
class Line:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Cell:
    start: int  # span in the folded text
    end: int
    text: str  # folded, stripped
    kind: CellKind
    line: int  # index of its line in the block
    levels: tuple[Level, ...] = ()
    role: str | None = None  # a header cell's column role
    period: str | None = None  # a header cell's period (全年, 2021)

    @property
    def key(self) -> str:
        return squeeze(self.text)


# A cell's reading: its kind, and a level's levels or a header's role and period.
Reading = tuple[CellKind, tuple[Level, ...], str | None, str | None]
# The kinds of cells that are the form's vocabulary, the same few words in every table
# (level names, headers, operators, units, totals): read once each. Names, targets, notes and
# contacts, which vary, are read every time.
VOCABULARY_KINDS = frozenset({"level", "header", "op", "unit", "total", "empty"})
# How many distinct vocabulary cells are kept read: far more than a form's words.
VOCABULARY_CELLS = 4096
_vocabulary: dict[str, Reading] = {}


def classify(text: str, start: int, end: int, line: int, in_header: bool = False) -> Cell:
    """One cell's kind, by what the lexicon, the framework and the target grammar say."""
    key = squeeze(text)
    reading = _vocabulary.get(key)
    if reading is None:
        reading = _reading(key)
        if reading[0] in VOCABULARY_KINDS and len(_vocabulary) < VOCABULARY_CELLS:
            _vocabulary[key] = reading
    kind, levels, role, period = reading
    return Cell(start, end, text, kind, line, levels, role, period)


def _reading(key: str) -> Reading:
    lex = lexicon_module.load()
    fw = framework_module.load()
    if not key:
        return "empty", (), None, None
    if lex.is_footer(key):
        return "footer", (), None, None
    if lex.is_contact(key):
        return "contact", (), None, None
    if _PHONE.fullmatch(key) or _NAMED_PHONE.fullmatch(key):
        return "contact", (), None, None
    if lex.is_total(key):
        return "total", (), None, None
    header = lex.header_role(key)
    if header is not None:
        return "header", (), header[0], header[1]
    levels = fw.lookup(key) or fw.lookup_loose(key)
    if levels:
        return "level", levels, None, None
    if lex.is_boilerplate(key) or _BRACKETED.fullmatch(key):
        # a note in brackets standing alone (（公开日期：…）) is the form's, never a row
        return "boilerplate", (), None, None
    if _PAGE.fullmatch(key):
        return "page", (), None, None
    if _SYMBOL.fullmatch(key):
        return "op", (), None, None
    if is_unit(key):
        return "unit", (), None, None
    if _SCORE.fullmatch(key.rstrip(",，;；。")):
        return "score", (), None, None
    if is_target(key):
        return "target", (), None, None
    return "text", (), None, None


_UNIT_LIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,4}(?:[/·][\u4e00-\u9fffA-Za-z]{1,3}){0,2}")


def is_target(text: str) -> bool:
    """A cell that is a target and nothing else: `≥2次`, `100%`, `2021年12月31日前`, `80%-90%`.

    Not `2023年文物保护经费`: a number's unit is one pikg knows or a short unit-like word.
    """
    if not DIGIT.search(text):
        return False  # every date, range and number has a digit: a name is not parsed
    target = parse_target(text)
    if target.kind in ("date", "range"):
        return True
    if target.kind == "number":
        unit = target.unit
        return unit is None or is_unit(unit) or bool(_UNIT_LIKE.fullmatch(unit))
    return False


def cells_of_line(
    line: Line, index: int, in_header: bool = False, columns: tuple[str, ...] = ()
) -> list[Cell]:
    """The cells of one line: split on pipes and tabs, else on white space, else glued (then
    by the order of the table's ``columns`` after the name, where they make it certain)."""
    return [
        Cell(
            line.start + c.start,
            line.start + c.end,
            c.text,
            c.kind,
            index,
            c.levels,
            c.role,
            c.period,
        )
        for c in _cells_of_text(line.text, in_header, _telling(columns))
    ]


def cells_of_run(lines: list[Line], index: int, columns: tuple[str, ...] = ()) -> list[Cell]:
    """The cells of lines that are one line wrapped, read as one: a cell may run over a line
    break, and its span then holds the break."""
    at: list[int] = []  # the folded-text offset of each character of the joined text
    for line in lines:
        body = line.text.strip()
        lead = line.text.index(body[0]) if body else 0
        at.extend(range(line.start + lead, line.start + lead + len(body)))
    joined = "".join(line.text.strip() for line in lines)
    return [
        Cell(at[c.start], at[c.end - 1] + 1, c.text, c.kind, index, c.levels, c.role, c.period)
        for c in _cells_of_text(joined, False, _telling(columns))
        if c.end > c.start
    ]


def _telling(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The columns, where they change how glued rows are cut (a row grammar, or the value
    first after the name: see ``_split_text_piece``); else none, which cut alike: a line is
    then read once, whichever table it is in (has_table has read most lines already)."""
    telling = _row_grammar(columns) is not None or columns[:1] == ("value",)
    return columns if columns and telling else ()


def cell_kinds(text: str) -> tuple[Cell, ...]:
    """The cells of a line's text, offsets from its start: enough to ask what kinds it holds."""
    return _cells_of_text(text, False, ())


@lru_cache(maxsize=65536)
def _cells_of_text(text: str, in_header: bool, columns: tuple[str, ...]) -> tuple[Cell, ...]:
    """A line's cells with offsets from the line's start: forms repeat the same lines (level
    names, headers, units) over and over, so each distinct line is read once."""
    line = Line(0, len(text), text)
    index = -1
    pieces: list[tuple[int, int]] = []
    if _SPLIT.search(text):
        pos = 0
        for m in _SPLIT.finditer(text + "|"):
            pieces.append((pos, m.start()))
            pos = m.end()
    else:
        whole = squeeze(text)
        lex = lexicon_module.load()
        fw = framework_module.load()
        if whole and (lex.header_role(whole) or fw.lookup(whole)):
            pieces.append((0, len(text)))
        else:
            pieces = [(m.start(), m.end()) for m in _WORD.finditer(text)]
            pieces = _merge_split_names(text, _join_spaced_targets(text, pieces))
    cells: list[Cell] = []
    for a, b in pieces:
        columns = _glued_header_columns(cells, columns)
        raw = text[a:b]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        s = line.start + a + lead
        path = _level_path().fullmatch(body)
        if path and not _whole_cell(body):  # `产出指标-数量指标`, `数量指标：名称`: one cell each
            for g in (1, 2) if path.group(1) else (3, 4):
                a, b = s + path.start(g), s + path.end(g)
                cells.append(classify(path.group(g), a, b, index, in_header))
        elif _is_glued(body):
            cells.extend(glued_cells(body, s, index, in_header, columns))
        else:
            cells.append(classify(body, s, s + len(body), index, in_header))
    return tuple(cells)


def _is_glued(body: str) -> bool:
    """Whether a cell holds several glued together: a long one, or a short one that a level
    name opens and a target follows — unless the whole cell is one header, note or level."""
    key = squeeze(body)
    # cut into header words (一级指标二级指标指标值), or where a target follows a level
    if len(key) <= GLUED_CELL and len(_header_words(key) or ()) < 2:
        inner = _glued_pattern().match(body)  # what the search would find at the start
        opens = inner is not None and inner.group() != key
        # a level, a name and its target (`质量指标名称=按规定执行` too), or two levels and
        # what follows them (`产出指标时效指标时效指标全年`)
        second = _glued_pattern().match(body, inner.end()) if opens and inner else None
        if not (opens and (DIGIT.search(body) or _SIGN.search(body) or second)):
            return False
    return not _whole_cell(body)


def _whole_cell(body: str) -> bool:
    """Whether a cell is one header, note or level as a whole."""
    lex = lexicon_module.load()
    return bool(
        lex.header_role(body) or lex.is_boilerplate(body) or framework_module.load().lookup(body)
    )


_SIGN = re.compile(rf"(?:{SYMBOL})")
_OPERATOR_PIECE = re.compile(rf"(?:{SYMBOL}|{PRE_WORD})")
_NUMBER_END = re.compile(rf"(?:{NUMBER})$")


def _join_spaced_targets(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`≥ 500 人`, `不低于 90%`, `2024 年 12 月底前`: one target typed with single spaces
    inside its cell, cells being further apart; its operator, number, unit and date parts
    rejoined."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        if out and a - out[-1][1] == 1:
            before = text[out[-1][0] : out[-1][1]]
            piece = text[a:b]
            if (
                (_OPERATOR_PIECE.fullmatch(before) and piece[0].isdigit())
                or (_NUMBER_END.search(before) and (piece in ("%", "‰") or is_unit(piece)))
                # `2024 年 12 月底前`: a date typed with spaces between its parts
                or (before[-1].isdigit() and piece[0] in "年月日号")
                or (before[-1] in "年月" and before[-2:-1].isspace() and piece[0].isdigit())
            ):
                out[-1] = (out[-1][0], b)
                continue
        out.append((a, b))
    return out


def _merge_split_names(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`一级 指标`, `社会、经济、生态效益 指标`: a name the white space cut in two, rejoined."""
    lex = lexicon_module.load()
    fw = framework_module.load()
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        if i + 1 < len(pieces):
            a, b = pieces[i][0], pieces[i + 1][1]
            joined = squeeze(text[a:b])
            single = squeeze(text[pieces[i][0] : pieces[i][1]])
            second = squeeze(text[pieces[i + 1][0] : pieces[i + 1][1]])
            rejoined = lex.header_role(joined) or fw.lookup(joined) or second == "指标"
            if rejoined and not (fw.lookup(single) or lex.header_role(single)):
                out.append((a, b))
                i += 2
                continue
        out.append(pieces[i])
        i += 1
    return out


@cache
def _level_path() -> re.Pattern[str]:
    """A 一级 and its 二级 in one cell, joined by a dash or a slash; or a level and a name."""
    fw = framework_module.load()
    return re.compile(
        rf"({fw.alternation(1)})\s*[-—–－/]\s*({fw.alternation(2)})"
        # `数量指标：培训人数`: a level, a colon, the row's name, in the name's cell
        rf"|((?:{fw.alternation(1)}|{fw.alternation(2)}))\s*[:：]\s*([^:：]{{2,}})"
    )


@cache
def _glued_pattern() -> re.Pattern[str]:
    """Level names and header words that can stand glued inside a long cell, longest first."""
    fw = framework_module.load()
    lex = lexicon_module.load()
    words = [w for w in fw.by_label if len(w) >= 4 and w.endswith(("指标", "目标"))]
    headers = [w for w in lex.headers if len(w) >= 3 and not re.search(r"[()（）]", w)]
    # a value column's header names its period before it (`中期指标值`): one header cell
    words += [p + w for p in lex.periods for w in headers if lex.header_role(p + w)]
    words += headers
    words += [w for w in lex.totals if len(w) >= 2]
    return re.compile(_longest_first(words))


def _glued_unit() -> str:
    """A unit glued to its number, 万 or 亿 before it (`1.5万平方米`, `3.2万亩`)."""
    return rf"[万亿]?(?:{unit_pattern()})"


@cache
def _target_run() -> re.Pattern[str]:
    """One or more targets glued together at the end of a piece: `>=95%98%103%`."""
    unit = _glued_unit()
    one = rf"(?:(?:{SYMBOL})|(?:{PRE_WORD}))?(?:{_DAY}|(?:{NUMBER})(?:{unit})?(?:{POST_WORD})?)"
    return re.compile(rf"(?<![\d.,])((?:{one})+)$")


@cache
def _one_target() -> re.Pattern[str]:
    unit = _glued_unit()
    return re.compile(
        rf"(?:(?:{SYMBOL})|(?:{PRE_WORD}))?(?:{_DAY}|(?:{NUMBER})(?:{unit})?(?:{POST_WORD})?)"
    )


def glued_cells(
    text: str, start: int, index: int, in_header: bool, columns: tuple[str, ...] = ()
) -> list[Cell]:
    """A long cell with no separators, cut at level names, header words and targets; a
    list of targets in one cell (`名称≥9600人；名称100%；名称`) first at its `；`."""
    items = [m for m in _ITEM.finditer(text) if m.group().strip()]
    if sum(locate(m.group()) is not None for m in items) > 1:
        cells = []
        for m in items:
            cells.extend(glued_cells(m.group(), start + m.start(), index, in_header, columns))
            if locate(m.group()) is None and m is not items[-1]:
                # an item with no target (`补助按月发放；`): its value is empty, and the next
                # item's name is not its value
                at = start + m.end()
                cells.append(Cell(at, at, "", "target", index))
        return cells
    cuts: list[tuple[int, int]] = []
    pos = 0
    found = _with_row_levels(text, list(_glued_pattern().finditer(text)))
    header: list[str] = []  # the roles of the header cells glued just before
    lex = lexicon_module.load()
    for i, m in enumerate(found):
        if _inside_name(
            m, found[i - 1] if i else None, found[i + 1] if i + 1 < len(found) else None
        ):
            continue
        words = _header_words(text[pos : m.start()]) if header and m.start() > pos else None
        if words is not None:  # `分值得分` between two header cells: short header words
            for word in words:
                cuts.append((pos, pos + len(word)))
                header.append(lex.headers[word])
                pos += len(word)
        elif m.start() > pos:
            cuts.extend(_split_text_piece(text, pos, m.start(), columns))
            header = []
        cuts.append((m.start(), m.end()))
        pos = m.end()
        role = lex.header_role(m.group())
        header = [*header, role[0]] if role else header
        columns = _header_columns(tuple(header)) or columns
    if pos < len(text):
        cuts.extend(_split_text_piece(text, pos, len(text), columns))
    if len(cuts) == 1:
        return [classify(text, start, start + len(text), index, in_header)]
    cells = []
    for a, b in cuts:
        piece = text[a:b].strip()
        if piece:
            lead = len(text[a:b]) - len(text[a:b].lstrip())
            cells.append(classify(piece, start + a + lead, start + a + lead + len(piece), index))
    if "value" in columns and "explain" in columns[columns.index("value") + 1 :]:
        cells = _cut_notes(_cut_bracketed_units(cells))  # an explanation after the value
    return cells


def _cut(cell: Cell, at: int) -> list[Cell]:
    """A cell cut in two ``at`` characters from its start, each piece classified anew."""
    a, b = cell.text[:at], cell.text[at:]
    return [
        classify(a, cell.start, cell.start + at, cell.line),
        classify(b, cell.start + at, cell.end, cell.line),
    ]


_BRACKETED_UNIT = re.compile(r"[(（]([^()（）\d]{1,6})[)）]$")


def _cut_bracketed_units(cells: list[Cell]) -> list[Cell]:
    """`林木采伐监管(万立方米)` `=6` `万立方米该指标…`: a name stating its unit in brackets, a
    number without it, and the text after it opening with that unit: the unit column's cell,
    glued to the explanation."""
    out: list[Cell] = []
    for i, cell in enumerate(cells):
        unit = _BRACKETED_UNIT.search(cells[i - 2].text) if i >= 2 else None
        if (
            unit
            and cell.kind == "text"
            and cells[i - 1].kind == "target"
            and cell.text.startswith(unit.group(1))
            and len(cell.text) > len(unit.group(1))
            and not cells[i - 1].text.endswith(unit.group(1))
        ):
            unit_cell, rest = _cut(cell, len(unit.group(1)))
            out += [replace(unit_cell, kind="unit"), rest]  # a unit pikg does not list
        else:
            out.append(cell)
    return out


def _cut_notes(cells: list[Cell]) -> list[Cell]:
    """A table's explanations glued to the name of the row after (`=116人` +
    `该指标值数据合理保障退休职工人数(人)`): where the explanation closing a group of rows,
    before a level or at the end, opens the text after another row's target too, that text
    is the explanation and the next row's name."""
    after = [
        i for i in range(1, len(cells)) if cells[i].kind == "text" and cells[i - 1].kind != "text"
    ]
    whole = {
        cells[i].text
        for i in after
        if i + 1 == len(cells) or cells[i + 1].kind in ("level", "header", "total")
    }
    notes = sorted(whole, key=len, reverse=True)
    note = next(
        (
            w
            for w in notes
            if any(cells[i].text.startswith(w) and cells[i].text != w for i in after)
        ),
        None,
    )
    if note is None:
        return cells
    out: list[Cell] = []
    for i, cell in enumerate(cells):
        if i in after and cell.text.startswith(note) and cell.text != note:
            out.extend(_cut(cell, len(note)))
        else:
            out.append(cell)
    return out


@cache
def _row_level_pattern() -> re.Pattern[str]:
    """Level names that do not end in 指标 or 目标 (产出数量, 经济效益, 满意度): glued, they are
    also the words of names, so they are cut only where a row can begin."""
    fw = framework_module.load()
    bare = {
        label.removesuffix("指标"): levels  # 产出数量 names the 产出数量指标
        for label, levels in fw.by_label.items()
        if not label.endswith(("目标", "值"))
    }
    words = [
        word
        for word, levels in bare.items()
        if len(word) >= MIN_ROW_LEVEL
        and not any(framework_module.SCHEME_EVALUATION in lv.schemes for lv in levels)
    ]
    return re.compile(_longest_first(words))


# A level name standing glued without 指标 is this long at least (满意度, 产出数量).
MIN_ROW_LEVEL = 3
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,8})\1(?![\d.])")


def _with_row_levels(text: str, found: list[re.Match[str]]) -> list[re.Match[str]]:
    """The glued level and header words, with the level names not ending in 指标 that stand
    where a row begins: opening the cell, right after another level, a target, or a
    qualitative target and its outcome (`有效减轻有效减轻`), and before a name, not a target
    (`满意度≥90%` is a name)."""
    ends = {m.end() for m in found}
    spans = [m.span() for m in found]
    extra = []
    for m in _row_level_pattern().finditer(text):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        after = text[m.end() : m.end() + 1]
        if not after or _one_target().match(text, m.end()) or not "\u4e00" <= after <= "\u9fff":
            continue
        before = text[max(0, m.start() - MAX_RUN) : m.start()]
        if _after_second_level(found, m.start()):
            continue  # `时效指标项目完成时间`: a row's levels end at its 二级; the name follows
        opens = m.start() == 0 or m.start() in ends  # the cell or right after a level
        if opens or _target_run().search(before) or _DOUBLED.search(before):
            extra.append(m)
    return _loose_levels(text, sorted(found + extra, key=lambda m: m.start()))


def _after_second_level(found: list[re.Match[str]], at: int) -> bool:
    """Whether a 二级 level name (and no 一级 one) ends right at ``at``."""
    fw = framework_module.load()
    before = next((m for m in found if m.end() == at), None)
    levels = fw.lookup(before.group()) if before is not None else ()
    return bool(levels) and all(lv.depth == 2 for lv in levels)


def _loose_levels(text: str, found: list[re.Match[str]]) -> list[re.Match[str]]:
    """With level names the framework does not list, glued (`…自然环境可持续性发展影响指标是…`):
    the shortest words closing on a 指标 no other match covers that read as a level."""
    fw = framework_module.load()
    spans = [m.span() for m in found]
    out = []
    for m in re.finditer("指标", text):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        for size in range(4, framework_module.MAX_LEVEL_CELL + 1):
            at = m.end() - size
            if at < 0 or not "\u4e00" <= text[at] <= "\u9fff":
                break
            if fw.lookup_loose(text[at : m.end()]):
                loose = re.compile(re.escape(text[at : m.end()])).match(text, at)
                out += [loose] if loose else []
                break
    return sorted(found + out, key=lambda f: f.start()) if out else found


# How far back a target or a doubled outcome is looked for before a glued level name.
MAX_RUN = 40


def _longest_first(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))


def _header_words(text: str) -> list[str] | None:
    """Text that is nothing but the lexicon's header words glued (`分值得分`), as those words
    longest first, or None."""
    lex = lexicon_module.load()
    headers = lex.headers
    words: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos] not in lex.header_firsts:
            return None  # no header word starts here
        longest = min(len(text), pos + lex.longest_header)  # no header word is longer
        word = next(
            (text[pos:end] for end in range(longest, pos, -1) if text[pos:end] in headers), None
        )
        if word is None:
            return None
        words.append(word)
        pos += len(word)
    return words


# Header roles that are no column of a row's data: levels and the form's own labels.
_NOT_DATA = frozenset({"l1", "l2", "project", "amount", "targets"})


@lru_cache(maxsize=1 << 10)
def _header_columns(roles: tuple[str, ...]) -> tuple[str, ...] | None:
    """The data columns after the name that a run of glued header cells sets
    (`一级指标二级指标三级指标指标值指标说明` → value, explain), or None where the run names
    neither a name nor a value column."""
    if not {"name", "value"} & set(roles):
        return None
    data = [r for r in roles if r not in _NOT_DATA]
    return tuple(data[1:] if data and data[0] == "name" else data)


def _glued_header_columns(cells: list[Cell], columns: tuple[str, ...]) -> tuple[str, ...]:
    """The columns a line's next piece is read by: those of the header cells that end the
    cells so far (a header glued into the same line as its rows), else ``columns``."""
    run: list[str] = []
    for cell in reversed(cells):
        if cell.kind != "header" or cell.role is None:
            break
        run.insert(0, cell.role)
    return _header_columns(tuple(run)) or columns if run else columns


def _adjacent(text: str, a: int, b: int) -> bool:
    """Whether two glued matches touch, or only header words stand between them."""
    return a >= b or _header_words(text[a:b]) is not None


def _inside_name(
    m: re.Match[str], before: re.Match[str] | None, after: re.Match[str] | None
) -> bool:
    """A header word such as 完成率 or 实际值 inside a name (`维修任务完成率(%)`): glued header
    cells stand next to each other (`实际完成值累计完成率`, or with short header words between:
    `实际完成值分值得分偏差原因`), a name's last word stands alone."""
    word = m.group()
    if word.endswith(("指标", "目标")) or word not in lexicon_module.load().headers:
        return False
    text = m.string
    if text[m.start() - 1 : m.start()] in (",", "，") and _LABELLED_VALUE.match(text, m.end()):
        return True  # `名称，指标值：≥82万人`, `名称，目标值≥120处`: a sentence labels its value
    alone = (before is None or not _adjacent(text, before.end(), m.start())) and (
        after is None or not _adjacent(text, m.end(), after.start())
    )
    return alone and m.start() > 0 and "\u4e00" <= text[m.start() - 1] <= "\u9fff"


_LABELLED_VALUE = re.compile(rf"\s*(?:[:：]|{SYMBOL}|\d)")

# A deadline glued between two names (`完成时间2021年5月31日前市民满意度`): a target of its own.
_DEADLINE = re.compile(
    r"(?<!\d)\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?\s*(?:底|末)?\s*(?:之前|以前|前)"
)


def _split_text_piece(
    text: str, a: int, b: int, columns: tuple[str, ...] = ()
) -> list[tuple[int, int]]:
    """A run of text cut by the row grammar of the table's columns where it reads so whole,
    else after each run of glued targets that opens with an operator, and around each
    deadline."""
    by_columns = _rows_by_columns(text, a, b, columns)
    if by_columns:
        return by_columns
    doubled = _DOUBLED.search(text, a, b) if columns[:2] in _TWO_TEXT_COLUMNS else None
    if doubled is not None:
        # `减轻参训人员经济负担有效减轻有效减轻`: a name, a qualitative target and its outcome
        # (or its explanation) in the same words, and the next row glued after them
        at, half, end = doubled.start(), len(doubled.group(1)), doubled.end()
        rest = _split_text_piece(text, end, b, columns) if end < b else []
        return [*_split_text_piece(text, a, at, columns), (at, at + half), (at + half, end), *rest]
    answer = _OPENING_ANSWER.match(text, a, b) if columns[:1] == ("value",) else None
    if answer is not None:
        # `生态效益指标` + `是改善城市生态环境…`: a yes/no value opening the words after a
        # level, where the value column follows the name, then its explanation
        return [(a, answer.end()), *_split_text_piece(text, answer.end(), b, columns)]
    if columns[:1] == ("value",):
        rows = _bare_row_ends(text, a, b)
        if len(rows) > 1:
            return [cut for x, y in pairwise(rows) for cut in _split_text_piece(text, x, y)]
    out: list[tuple[int, int]] = []
    pos = a
    for m in _inner_run().finditer(text, a, b):
        for d in _DEADLINE.finditer(text, pos, m.start()):
            if d.start() > pos and d.end() < m.start():
                out.extend([*_split_tail(text, pos, d.start()), (d.start(), d.end())])
                pos = d.end()
        if m.start() > pos:
            out.extend(_split_tail(text, pos, m.end()))
            pos = m.end()
    for d in _DEADLINE.finditer(text, pos, b):
        if d.start() > pos and d.end() < b:
            out.extend([*_split_tail(text, pos, d.start()), (d.start(), d.end())])
            pos = d.end()
    out.extend(_split_tail(text, pos, b))
    return out


@cache
def _inner_run() -> re.Pattern[str]:
    """Targets glued between two names: `数量>=2个0个0%当年…`, opening with an operator; a
    day written whole first (`≤2021年12月31日前`, not `≤2021年12月31日` and a name `前`)."""
    unit = _glued_unit()
    one = rf"(?:{_DAY}|(?:{NUMBER})(?:{unit})?)"
    return re.compile(rf"(?:{SYMBOL})\s*{one}(?:{one})*(?=[^\d.,%]|$)")


# What each column of a glued row may hold, for tables whose bare scores make the digits
# ambiguous (`…长度10≥3000米≥3100米10`, `…合格率10100%100%10`): a weight or score is a bare
# number with no leading zero; a target or actual has a unit or is a date.
_BARE = r"(?:[1-9]\d?|0)(?:\.\d+)?"


@lru_cache(maxsize=64)
def _row_grammar(columns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One glued row of a table whose columns after the name are ``columns``, or None where
    no bare score column makes its digits ambiguous."""
    target = rf"(?:{SYMBOL})?(?:{_DAY}|(?:0|[1-9]\d*)(?:\.\d+)?(?:{unit_pattern()}))"
    parts = {
        "weight": _BARE,
        "score": _BARE,
        "value": target,
        "actual": target,
        "completion": r"\d+(?:\.\d+)?%",
    }
    if not {"weight", "score"} & set(columns) or not set(columns) <= set(parts):
        return None
    name = rf"(?:(?!{SYMBOL})[^\d\s])+?"
    return re.compile(name + "".join(f"({parts[c]})" for c in columns))


def _rows_by_columns(
    text: str, a: int, b: int, columns: tuple[str, ...]
) -> list[tuple[int, int]] | None:
    """The cells of glued rows read by the row grammar, if the whole run reads as such rows.
    A 偏差原因 column closing the row is words with no figure, written only where a target
    was missed: the run's words after its last row are that row's reason."""
    reason = columns[-1:] == ("reason",)
    columns = columns[:-1] if reason else columns
    grammar = _row_grammar(columns) if columns else None
    if grammar is None:
        return None
    out: list[tuple[int, int]] = []
    pos = a
    while pos < b:
        m = grammar.match(text, pos, b)
        if m is None:
            if out and reason and not DIGIT.search(text, pos, b):
                return [*out, (pos, b)]
            return None
        out.append((pos, m.start(1)))
        out.extend(m.span(g) for g in range(1, len(columns) + 1))
        pos = m.end()
    return out or None


# A yes or a no before other words (not 是否, which opens a name).
_OPENING_ANSWER = re.compile(r"[是否](?![是否])(?=[\u4e00-\u9fff])")
# The columns after the name where the same words may fill two cells side by side.
_TWO_TEXT_COLUMNS = (("value", "actual"), ("value", "explain"))


@cache
def _bare_run() -> re.Pattern[str]:
    """Targets with no operator closing a name, with a name glued after them:
    `…灭火装置10套` + `烟感…`, `…培训任务12500名12166名` + `完成…`. Not a year (`2021年…`)."""
    one = rf"(?!(?:19|20)\d\d年)(?:{NUMBER})(?:{_glued_unit()})(?:{POST_WORD})?"
    return re.compile(rf"(?<=[^\d.,\s年月])(?:{one})+")


# The character that opens the name glued after a run of bare targets.
_NAME_OPENS = re.compile(r"[\u4e00-\u9fff(（](?<![的及和与或])")


@cache
def _not_a_name() -> re.Pattern[str]:
    """What the words before a bare target hold when they are prose, not a name: a sentence's
    punctuation, or a comparison word just before the number (`…及时率大于` + `90%`)."""
    return re.compile(rf"[,，。;；:：]|(?:{PRE_WORD}|{SYMBOL})$")


def _bare_row_ends(text: str, a: int, b: int) -> list[int]:
    """Where glued rows of a table with its value column after the name begin and end: after
    each run of bare targets closing a name of MIN_NAME characters at least, or opening the
    run (a row named by its level alone: `数量指标` + `375万平方米完成全市…`), and where a name
    or an explanation opens after it. ``[a, b]`` when there is none."""
    ends = [a]
    for m in _bare_run().finditer(text, a, b):
        name = text[ends[-1] : m.start()]
        reads = m.start() == a or (len(name) >= MIN_NAME and not _not_a_name().search(name))
        if reads and _NAME_OPENS.match(text, m.end(), b):
            ends.append(m.end())
    return [*ends, b]


def _split_tail(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A run of text: the name (and explanation) first, then the targets glued after it."""
    piece = text[a:b]
    out: list[tuple[int, int]] = []
    yes_no = _YES_NO_RUN.search(piece)
    if yes_no and yes_no.start() > 0:
        # `…质量问题是/否否否`: the 指标方向 是/否, then one answer per value column
        at = a + yes_no.start()
        before = _split_tail(text, a, at)
        answers = range(at + len(yes_no.group(1)), a + yes_no.end())
        return [*before, (at, at + len(yes_no.group(1))), *((i, i + 1) for i in answers)]
    m = _target_run().search(piece)
    lex = lexicon_module.load()
    if m is None and piece.endswith(lex.qualitative):  # one test for all words, then which
        word = next((w for w in lex.qualitative if piece.endswith(w)), None)
        if word and len(piece) - len(word) >= MIN_NAME:
            # `基层公共文化服务效能持续提升` glued before the next level: a name, then a
            # qualitative target
            at = a + len(piece) - len(word)
            return [*_split_tail(text, a, at), (at, b)]
    head_end = m.start() if m and m.start() > 0 else len(piece)
    head = piece[:head_end]
    cut = max((head.rfind(w) for w in lex.explain_starts), default=-1)
    if cut <= 1:
        cut = _restated_end(head)
    if cut > 1:
        out += [(a, a + cut), (a + cut, a + head_end)]
    elif head:
        out.append((a, a + head_end))
    if m and m.start() > 0:
        run = m.group(1)
        at = a + m.start()
        for t in _one_target().finditer(run):
            out.append((at + t.start(), at + t.end()))
    elif m and m.start() == 0 and not head:
        out = [
            (a + t.start(), a + t.start() + len(t.group())) for t in _one_target().finditer(piece)
        ]
    return [(x, y) for x, y in out if y > x]


def _restated_end(head: str) -> int:
    """Where a name ends when the explanation glued after it restates its last words:
    `已建桥梁是否存在安全隐患` + `汛前检查中是否发现安全隐患`; -1 when none does."""
    for n in range(min(len(head) // 3, MAX_RESTATED), MIN_RESTATED - 1, -1):
        at = head.rfind(head[-n:], 0, len(head) - n)
        cut = at + n
        if at >= MIN_RESTATED and len(head) - cut >= MIN_EXPLANATION:
            return cut
    return -1
