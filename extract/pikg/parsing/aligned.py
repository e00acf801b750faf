"""Tables aligned with spaces whose cells wrap onto the next line (PDF text layers).

A PDF's text layer lays a table out in columns of spaces; a cell too long for its column
goes on in the same column of the next line, which holds nothing else of that row:

    一级      二级          三级指标                          指标
    指标      指标                                            值
    产出指标  数量指标      城乡低保对象救助保障              ≥21500人
                            人数

The header's columns (by display width: a Chinese character is two columns wide) say which
column each cell stands in; a line that fills neither a new name nor a new value continues
the row above, cell by cell. Tables with no wrapped cell are left to ``layouts.read_table``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pikg.model import SkipReason
from pikg.parsing import framework as framework_module
from pikg.parsing import lexicon as lexicon_module
from pikg.parsing.layouts import CONTINUED, Candidate, Emit, LevelCell
from pikg.parsing.ledger import Ledger
from pikg.parsing.tokens import Cell, Line, classify, is_target

# Cells of an aligned line are runs of text apart by at least two spaces.
_RUN = re.compile(r"\S+(?: \S+)*")
# A cell may start this many display columns off its header's column.
SLACK = 1
# An aligned header has at least this many columns.
MIN_COLUMNS = 3
_LEVEL_ROLES = ("l1", "l2")


@dataclass(frozen=True)
class _Piece:
    column: int  # display column where it starts
    start: int  # span in the folded text
    end: int
    text: str


@dataclass
class _Row:
    """A row being read: the cells of each column, over one line and its continuations."""

    line: int
    cells: dict[int, list[Cell]] = field(default_factory=dict)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pieces(line: Line) -> list[_Piece]:
    if "|" in line.text or "\t" in line.text:
        return []
    return [
        _Piece(
            _width(line.text[: m.start()]), line.start + m.start(), line.start + m.end(), m.group()
        )
        for m in _RUN.finditer(line.text)
    ]


def _split_at_columns(pieces: list[_Piece], columns: list[int]) -> list[_Piece]:
    """Pieces cut where a single space stands before a header column: a cell that fills its
    column leaves one space before the next (`社会效益指标 保护沿河人口`)."""
    out: list[_Piece] = []
    for p in pieces:
        pos = 0
        for m in re.finditer(" ", p.text):
            after = p.column + _width(p.text[: m.end()])
            if any(abs(after - at) <= SLACK for at in columns) and m.start() > pos:
                part = p.text[pos : m.start()]
                out.append(
                    _Piece(
                        p.column + _width(p.text[:pos]), p.start + pos, p.start + m.start(), part
                    )
                )
                pos = m.end()
        out.append(_Piece(p.column + _width(p.text[:pos]), p.start + pos, p.end, p.text[pos:]))
    return out


def _column_of(columns: list[int], piece: _Piece) -> int | None:
    """The header column a piece starts in, or None when it starts between columns."""
    for j, at in enumerate(columns):
        if abs(piece.column - at) <= SLACK:
            return j
    return None


def _header(
    lines: list[Line], i: int
) -> tuple[list[int], list[tuple[str, str | None]], int] | None:
    """The columns and roles of an aligned header at line ``i`` (its cells may wrap onto the
    line below, `一级/指标`), and how many lines it takes."""
    if "  " not in lines[i].text:
        return None  # one space apart: not columns of an aligned layout
    lex = lexicon_module.load()
    first = _pieces(lines[i])
    if len(first) < MIN_COLUMNS:
        return None
    columns = [p.column for p in first]
    texts = [p.text for p in first]
    below = _pieces(lines[i + 1]) if i + 1 < len(lines) else []
    spots = [_column_of(columns, p) for p in below]
    used = 1
    if below and None not in spots and len(set(spots)) == len(spots):
        joined = list(texts)
        for p, j in zip(below, spots, strict=True):
            assert j is not None
            joined[j] += p.text
        if all(lex.header_role(t) for t in joined):
            texts, used = joined, 2
    roles = [lex.header_role(t) for t in texts]
    if any(r is None for r in roles):
        return None
    named = [r for r in roles if r is not None]
    if not {"name", "value"} <= {role for role, _ in named}:
        return None
    return columns, named, used


def read_aligned(
    text: str, lines: list[Line], scheme: str, ledger: Ledger, emit: Emit
) -> list[Line]:
    """Read the block's space-aligned tables that wrap cells onto the next line (``text`` is
    the folded text the lines are of); the lines left are returned in order."""
    for i in range(len(lines) - 1):
        found = _header(lines, i)
        if found is None:
            continue
        columns, roles, used = found
        end, candidates = _table(text, lines, i + used, columns, roles, scheme)
        if candidates is None:
            continue  # no cell wraps: the table reader reads it as it is
        for line in lines[i : i + used]:
            for p in _pieces(line):
                ledger.skip("header", p.start, p.end)
        skips, rows = candidates
        for reason, a, b in skips:
            ledger.skip(reason, a, b)
        for cand in rows:
            emit(cand)
        return lines[:i] + read_aligned(text, lines[end:], scheme, ledger, emit)
    return lines


def _table(
    text: str,
    lines: list[Line],
    first: int,
    columns: list[int],
    roles: list[tuple[str, str | None]],
    scheme: str,
) -> tuple[int, tuple[list[tuple[SkipReason, int, int]], list[Candidate]] | None]:
    """The rows under an aligned header, and the line after the table; None for the rows when
    no cell wraps."""
    name = next(j for j, (role, _) in enumerate(roles) if role == "name")
    data = [j for j, (role, _) in enumerate(roles) if role not in (*_LEVEL_ROLES, "name")]
    levels: dict[int, list[Cell]] = {}  # the level cells in force, per level column
    rows: list[tuple[_Row, dict[int, list[Cell]]]] = []
    wrapped = False
    end = first
    for k in range(first, len(lines)):
        pieces = _split_at_columns(_pieces(lines[k]), columns)
        if not pieces:
            if lines[k].text.strip():
                break
            end = k + 1
            continue
        spots = [_column_of(columns, p) for p in pieces]
        placed = [j for j in spots if j is not None]
        if len(placed) != len(spots) or len(set(placed)) != len(placed):
            break
        at = {j: classify(p.text, p.start, p.end, k) for p, j in zip(pieces, placed, strict=True)}
        if any(c.kind in ("header", "contact", "footer", "total") for c in at.values()):
            break
        opens = name in at and (any(j in at for j in data) or not rows)
        row = rows[-1][0] if rows else None
        if not opens and row is not None and not _continues(row, at, data):
            break
        if opens:
            levels = dict(levels)  # the rows above keep the levels they were read under
            for j, cell in at.items():
                if roles[j][0] in _LEVEL_ROLES:
                    levels[j] = [cell]
                    # a 一级 opening anew drops the 二级 of the one before
                    if roles[j][0] == "l1":
                        levels = {x: v for x, v in levels.items() if x <= j}
            row = _Row(k, {j: [c] for j, c in at.items() if roles[j][0] not in _LEVEL_ROLES})
            rows.append((row, levels))
        else:
            assert row is not None
            wrapped = True
            for j, cell in at.items():
                if roles[j][0] in _LEVEL_ROLES:
                    levels.setdefault(j, []).append(cell)
                else:
                    row.cells.setdefault(j, []).append(cell)
        end = k + 1
    if not wrapped:
        return end, None
    return end, _candidates(text, rows, roles, scheme)


def _continues(row: _Row, at: dict[int, Cell], data: list[int]) -> bool:
    """Whether a line holding no new row goes on with the row above: each of its value cells
    must still read as a target joined to the one above (`2022年12月` + `31日前`)."""
    for j, cell in at.items():
        if j in data and j in row.cells:
            joined = "".join(c.text for c in row.cells[j]) + cell.text
            if not is_target(joined):
                return False
    return True


def _candidates(
    text: str,
    rows: list[tuple[_Row, dict[int, list[Cell]]]],
    roles: list[tuple[str, str | None]],
    scheme: str,
) -> tuple[list[tuple[SkipReason, int, int]], list[Candidate]]:
    fw = framework_module.load()
    skips: list[tuple[SkipReason, int, int]] = []
    out: list[Candidate] = []
    seen: set[int] = set()
    for row, levels in rows:
        l1: LevelCell | None = None
        l2: LevelCell | None = None
        for j in sorted(levels):
            cells = levels[j]
            written = "".join(c.text for c in cells)
            depth = 1 if roles[j][0] == "l1" else 2
            found = fw.lookup(written) or fw.lookup_loose(written)
            fits = tuple(lv for lv in found if lv.depth == depth) or found
            for c in cells:
                if id(c) not in seen:
                    seen.add(id(c))
                    skips.append(("level" if fits else "narrative", c.start, c.end))
            if not fits:
                continue
            level = fw.resolve(fits, scheme, l1.level if l1 else None, False)
            # a level written over two lines is named by its label, not by either piece
            cell = cells[0] if len(cells) == 1 else None
            if level.depth == 1:
                l1 = LevelCell(cell, level)
            else:
                l2 = LevelCell(cell, level)
                if l1 is None or level.broader != l1.level.key:
                    parent = fw.parent(level)
                    l1 = LevelCell(None, parent) if parent else None
        cand = Candidate(l1, l2, line=row.line)
        for j in sorted(row.cells):
            role, period = roles[j]
            for written, cell in _merged(row.cells[j], role, text):
                cand.cells.append((written, period, cell))
        out.append(cand)
    return skips, out


def _merged(cells: list[Cell], role: str, text: str) -> list[tuple[str, Cell]]:
    """A cell wrapped over lines: one cell where only white space lies between its pieces
    (the last column), else its first piece and the pieces that continue it (``role+``,
    which the row builder appends); names stay pieces, joined by the row builder."""
    if role == "name" or len(cells) == 1:
        return [(role, c) for c in cells]
    first, last = cells[0], cells[-1]
    if text[first.end : last.start].strip():
        return [(role, first)] + [(f"{role}{CONTINUED}", c) for c in cells[1:]]
    joined = "".join(c.text for c in cells)
    kind = classify(joined, 0, 0, first.line).kind
    return [(role, Cell(first.start, last.end, joined, kind, first.line))]
