"""A block of lines into typed tokens (cells) with source spans.

A cell is what a table would hold in one box: separated by `|`, tabs or white space, one a
line, or glued with no separator at all (then the lexicon's level names and header words, and
runs of targets, are where it splits). Every cell knows its span in the folded text and its
kind; the layout segmenters decide which cells make a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from pikg.parsing import framework as framework_module
from pikg.parsing import lexicon as lexicon_module
from pikg.parsing.framework import Level
from pikg.parsing.lexicon import squeeze
from pikg.parsing.targets import (
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

# 第3页, 第3页共9页, - 3 -: a page mark. A bare 3 may be a value; the segmenter decides.
_PAGE = re.compile(r"第\d+页(?:[,，/共]\d+页)?|[-—－]+\d{1,3}[-—－]+")
_PHONE = re.compile(r"(?:\d{3,4}[-—]?)?\d{7,8}|1[3-9]\d{9}|\d{3,4}-\d?x+")
_SCORE = re.compile(rf"(?:{NUMBER})\s*分")
_SPLIT = re.compile(r"[|\t]")
_DIGIT = re.compile(r"\d")
# A space-separated line's cells: runs of non-space, or a word a PDF's text layer letter-spaced
# (`产 出 指 标`: single characters one space apart), which is one cell.
_WORD = re.compile(r"(?<!\S)[\u4e00-\u9fff](?= )(?: [\u4e00-\u9fff](?!\S))+|\S+")
# A day written whole (a deadline or the day a target was met): one target, not a year, a
# month and a day glued.
_DAY = r"\d{4}年\d{1,2}月(?:\d{1,2}[日号])?(?:底|末)?(?:之前|以前|前)?"
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


@dataclass
class Line:
    start: int
    end: int
    text: str


@dataclass
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


def classify(text: str, start: int, end: int, line: int, in_header: bool = False) -> Cell:
    """One cell's kind, by what the lexicon, the framework and the target grammar say."""
    lex = lexicon_module.load()
    fw = framework_module.load()
    key = squeeze(text)
    if not key:
        return Cell(start, end, text, "empty", line)
    if lex.is_footer(key):
        return Cell(start, end, text, "footer", line)
    if lex.is_contact(key):
        return Cell(start, end, text, "contact", line)
    if _PHONE.fullmatch(key) or re.fullmatch(r"[\u4e00-\u9fff]{2,4}\d{7,12}", key):
        return Cell(start, end, text, "contact", line)
    if lex.is_total(key):
        return Cell(start, end, text, "total", line)
    header = lex.header_role(key)
    if header is not None:
        return Cell(start, end, text, "header", line, role=header[0], period=header[1])
    levels = fw.lookup(key) or fw.lookup_loose(key)
    if levels:
        return Cell(start, end, text, "level", line, levels=levels)
    if lex.is_boilerplate(key) or re.fullmatch(r"[(（][^()（）]*[)）]", key):
        # a note in brackets standing alone (（公开日期：…）) is the form's, never a row
        return Cell(start, end, text, "boilerplate", line)
    if _PAGE.fullmatch(key):
        return Cell(start, end, text, "page", line)
    if re.fullmatch(SYMBOL, key):
        return Cell(start, end, text, "op", line)
    if is_unit(key):
        return Cell(start, end, text, "unit", line)
    if _SCORE.fullmatch(key.rstrip(",，;；。")):
        return Cell(start, end, text, "score", line)
    if is_target(key):
        return Cell(start, end, text, "target", line)
    return Cell(start, end, text, "text", line)


_UNIT_LIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,4}(?:[/·][\u4e00-\u9fffA-Za-z]{1,3}){0,2}")


def is_target(text: str) -> bool:
    """A cell that is a target and nothing else: `≥2次`, `100%`, `2021年12月31日前`, `80%-90%`.

    Not `2023年文物保护经费`: a number's unit is one pikg knows or a short unit-like word.
    """
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
        for c in _cells_of_text(line.text, in_header, columns)
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
        for c in _cells_of_text(joined, False, columns)
        if c.end > c.start
    ]


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
        raw = text[a:b]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        s = line.start + a + lead
        inner = _glued_pattern().search(body)
        # A short cell is cut only where a level name opens it and a target follows.
        glued = (
            len(squeeze(body)) > GLUED_CELL
            or bool(
                inner
                and inner.start() == 0
                and inner.group() != squeeze(body)
                and _DIGIT.search(body)
            )
            or (inner is not None and inner.start() == 0 and _all_headers(squeeze(body)))
        )
        lex = lexicon_module.load()
        whole_cell = (
            lex.header_role(body)
            or lex.is_boilerplate(body)
            or framework_module.load().lookup(body)
        )
        path = None if whole_cell else _level_path().fullmatch(body)
        if path:  # `产出指标-数量指标`, `数量指标：名称`: one cell each
            for g in (1, 2) if path.group(1) else (3, 4):
                a, b = s + path.start(g), s + path.end(g)
                cells.append(classify(path.group(g), a, b, index, in_header))
        elif glued and not whole_cell:
            cells.extend(glued_cells(body, s, index, in_header, columns))
        else:
            cells.append(classify(body, s, s + len(body), index, in_header))
    return tuple(cells)


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


def _all_headers(key: str) -> bool:
    """`一级指标二级指标三级指标指标值分值`: a short header line glued, header words only."""
    return _header_run().fullmatch(key) is not None


@cache
def _header_run() -> re.Pattern[str]:
    """Two or more of the lexicon's header words and nothing else."""
    words = sorted((w for w in lexicon_module.load().headers if len(w) >= 2), key=len, reverse=True)
    return re.compile(f"(?:{'|'.join(map(re.escape, words))}){{2,}}")


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
    words += [w for w in lex.headers if len(w) >= 3 and not re.search(r"[()（）]", w)]
    words += [w for w in lex.totals if len(w) >= 2]
    alternation = "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))
    return re.compile(alternation)


@cache
def _target_run() -> re.Pattern[str]:
    """One or more targets glued together at the end of a piece: `>=95%98%103%`."""
    unit = unit_pattern()
    one = rf"(?:(?:{SYMBOL})|(?:{PRE_WORD}))?(?:{_DAY}|(?:{NUMBER})(?:{unit})?(?:{POST_WORD})?)"
    return re.compile(rf"(?<![\d.,])((?:{one})+)$")


@cache
def _one_target() -> re.Pattern[str]:
    unit = unit_pattern()
    return re.compile(
        rf"(?:(?:{SYMBOL})|(?:{PRE_WORD}))?(?:{_DAY}|(?:{NUMBER})(?:{unit})?(?:{POST_WORD})?)"
    )


def glued_cells(
    text: str, start: int, index: int, in_header: bool, columns: tuple[str, ...] = ()
) -> list[Cell]:
    """A long cell with no separators, cut at level names, header words and targets; a
    list of targets in one cell (`名称≥9600人；名称100%；名称`) first at its `；`."""
    items = [m for m in re.finditer(r"[^;；]+", text) if m.group().strip()]
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
    found = list(_glued_pattern().finditer(text))
    for i, m in enumerate(found):
        if _inside_name(
            m, found[i - 1] if i else None, found[i + 1] if i + 1 < len(found) else None
        ):
            continue
        if m.start() > pos:
            cuts.extend(_split_text_piece(text, pos, m.start(), columns))
        cuts.append((m.start(), m.end()))
        pos = m.end()
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
    return cells


def _inside_name(
    m: re.Match[str], before: re.Match[str] | None, after: re.Match[str] | None
) -> bool:
    """A header word such as 完成率 or 实际值 inside a name (`维修任务完成率(%)`): glued header
    cells stand next to each other (`实际完成值累计完成率`), a name's last word stands alone."""
    word = m.group()
    if word.endswith(("指标", "目标")) or word not in lexicon_module.load().headers:
        return False
    text = m.string
    if text[m.start() - 1 : m.start()] in (",", "，") and _LABELLED_VALUE.match(text, m.end()):
        return True  # `名称，指标值：≥82万人`, `名称，目标值≥120处`: a sentence labels its value
    alone = (before is None or before.end() < m.start()) and (
        after is None or after.start() > m.end()
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
    """Targets glued between two names: `数量>=2个0个0%当年…`, opening with an operator."""
    unit = unit_pattern()
    one = rf"(?:{NUMBER})(?:{unit})?"
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
    """The cells of glued rows read by the row grammar, if the whole run reads as such rows."""
    grammar = _row_grammar(columns) if columns else None
    if grammar is None:
        return None
    out: list[tuple[int, int]] = []
    pos = a
    while pos < b:
        m = grammar.match(text, pos, b)
        if m is None:
            return None
        out.append((pos, m.start(1)))
        out.extend(m.span(g) for g in range(1, len(columns) + 1))
        pos = m.end()
    return out or None


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
    if m is None:
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
