"""Table rows read by position: the column model comes from the table's own header cells.

A document read from a file with tables (PDF, spreadsheet, Word, web page) keeps each table's
grid (``Source.tables``) and says which rendered line is which grid row (``Source.lines``).
Here a row under a header the table itself gives is read cell by cell: the n-th cell is the
n-th column, so an empty cell stays an empty column (no value shifts into the operator
column), a merged level cell stands in every row it covers, and header rows are known
before any data row. Rows with no such header above them — a project's form, notes, tables
of another kind — go back to the text segmenter (``layouts.read_table``) as their lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from pikg.parsing import framework as framework_module
from pikg.parsing.layouts import FOREIGN_HEADER, Candidate, Emit, LevelCell
from pikg.parsing.ledger import Ledger
from pikg.parsing.sections import lines_of
from pikg.parsing.tokens import GLUED_CELL, Cell, Line, classify, glued_cells
from pikg.reading.decode import Source
from pikg.reading.render import row_slots

LEVEL_ROLES = ("l1", "l2")
# A header row names at least this many columns with header words the lexicon knows.
MIN_HEADER_CELLS = 2
# Cells that never stand in a header row.
_DATA_KINDS = frozenset({"target", "level", "op", "score", "unit"})


@dataclass(frozen=True)
class Column:
    role: str
    period: str | None
    group: int  # the first grid column of the header cell naming it (shared by merged ones)


Model = tuple[Column | None, ...]  # one entry per grid column


@dataclass(frozen=True)
class GridRow:
    """One rendered table row: its folded line and a token cell per grid slot."""

    table: int
    row: int
    line: Line
    slots: tuple[tuple[int, int, Cell], ...]  # first and last grid column, the cell


@dataclass
class Grid:
    """A document's table rows by the offset of their line, and the column model in force
    at each (None above the first header)."""

    rows: dict[int, GridRow] = field(default_factory=dict)
    models: dict[tuple[int, int], Model | None] = field(default_factory=dict)
    headers: set[tuple[int, int]] = field(default_factory=set)
    foreign: set[tuple[int, int]] = field(default_factory=set)  # rows of another kind of table


def _rows(source: Source) -> list[GridRow]:
    if not source.tables:
        return []  # not rendered from a layout: text only
    lines = lines_of(source)
    if len(lines) != len(source.lines):
        return []  # folding moved a line: text only
    tables = {t.index: t for t in source.tables}
    found: list[GridRow] = []
    for line, origin in zip(lines, source.lines, strict=True):
        if origin.table is None or origin.row is None or origin.table not in tables:
            continue
        slots = row_slots(tables[origin.table].grid[origin.row])
        pieces = _pieces(line)
        if len(pieces) != len(slots):
            continue  # a cell whose folded text holds a pipe: the text path reads it
        cells = tuple(
            (first, last, _cell(line.text[a - line.start : b - line.start], a, b))
            for (first, last, _), (a, b) in zip(slots, pieces, strict=True)
        )
        found.append(GridRow(origin.table, origin.row, line, cells))
    return found


def _cell(text: str, start: int, end: int) -> Cell:
    """A slot's token at its offsets."""
    cell = _token(text)
    return replace(cell, start=start + cell.start, end=start + cell.end)


@lru_cache(maxsize=65536)
def _token(text: str) -> Cell:
    """A slot's token, offsets from the slot's start; a long text ending in a header word (a
    note glued to the table's first header cell when the text was copied) is that header
    cell. Forms repeat their cells (levels, units, 100%), so each distinct text is read once."""
    cell = classify(text, 0, len(text), -1)
    if cell.kind == "text" and len(text) > GLUED_CELL:
        last = glued_cells(text, 0, -1, False)[-1]
        if last.kind == "header":
            return last
    return cell


def _pieces(line: Line) -> list[tuple[int, int]]:
    """Folded-text spans of the ``|``-separated cells of a line, white space trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for part in [*line.text.split("|")]:
        lead = len(part) - len(part.lstrip())
        body = part.strip()
        a = line.start + pos + lead
        spans.append((a, a + len(body)) if body else (line.start + pos, line.start + pos))
        pos += len(part) + 1
    return spans


def _is_header(row: GridRow) -> bool:
    cells = [c for _, _, c in row.slots]
    heads = [c for c in cells if c.kind == "header"]
    roles = {c.role for c in heads}
    texts = [c for c in cells if c.kind == "text"]
    return (
        len(heads) >= MIN_HEADER_CELLS
        and not any(c.kind in _DATA_KINDS for c in cells)
        and len(texts) <= len(heads)
        and bool(roles & {"value", "actual"})
        and "name" in roles  # not the tail of a header cut one cell a row
    )


def _foreign_header(row: GridRow) -> bool:
    kinds = [c.kind for _, _, c in row.slots]
    return kinds.count("text") >= FOREIGN_HEADER and not {"target", "level"} & set(kinds)


def _model(header: list[GridRow], width: int) -> Model:
    """Columns named by one header row, or several stacked ones (the lowest name wins)."""
    columns: list[Column | None] = [None] * width
    for row in header:
        for first, last, cell in row.slots:
            if cell.kind != "header" or cell.role is None:
                continue
            for c in range(first, last + 1):
                columns[c] = Column(cell.role, cell.period, first)
    return tuple(columns)


def grid_of(source: Source) -> Grid:
    """Every table row of the document with the column model in force at it."""
    global _last
    if _last is not None and _last[0] is source:
        return _last[1]
    grid = Grid()
    by_table: dict[int, list[GridRow]] = {}
    for row in _rows(source):
        grid.rows[row.line.start] = row
        by_table.setdefault(row.table, []).append(row)
    widths = {t.index: len(t.grid[0]) if t.grid else 0 for t in source.tables}
    inherited: tuple[int, Model] | None = None  # a table split in two keeps its header
    for index, rows in by_table.items():
        width = widths[index]
        model = inherited[1] if inherited is not None and inherited[0] == width else None
        header: list[GridRow] = []
        foreign = False
        for row in rows:
            if _is_header(row):
                header = [*header, row] if header and header[-1].row == row.row - 1 else [row]
                model = _model(header, width)
                grid.headers.add((row.table, row.row))
                foreign = False
            elif _foreign_header(row):
                model, foreign = None, True  # another table (a list of schools, of funds) begins
            if foreign:
                grid.foreign.add((row.table, row.row))
            grid.models[(row.table, row.row)] = model
        if model is not None:
            inherited = (width, model)
    _last = (source, grid)
    return grid


_last: tuple[Source, Grid] | None = None


@dataclass
class _Levels:
    l1: LevelCell | None = None
    l2: LevelCell | None = None


def read_grid(
    source: Source, lines: list[Line], scheme: str, ledger: Ledger, emit: Emit
) -> list[Line]:
    """Read the block's table rows that stand under a header of their table; the lines
    left (paragraphs, rows above any header, rows of another kind) are returned in order."""
    grid = grid_of(source)
    if not grid.rows:
        return lines
    rest: list[Line] = []
    levels = _Levels()
    for i, line in enumerate(lines):
        row = grid.rows.get(line.start)
        if row is None:
            rest.append(line)
            continue
        key = (row.table, row.row)
        model = grid.models.get(key)
        if key in grid.headers:
            for _, _, cell in row.slots:
                if cell.kind != "empty":
                    ledger.skip("header", cell.start, cell.end)
            levels = _Levels()
        elif key in grid.foreign and not any(c.kind == "level" for _, _, c in row.slots):
            for _, _, cell in row.slots:
                if cell.kind != "empty":
                    ledger.skip("narrative", cell.start, cell.end)
        elif model is None or not _data_row(row, model, levels, scheme, ledger, emit, i):
            rest.append(line)
    return rest


def _data_row(
    row: GridRow,
    model: Model,
    levels: _Levels,
    scheme: str,
    ledger: Ledger,
    emit: Emit,
    index: int,
) -> bool:
    """Read one row under its column model; False when it is not an indicator row."""
    filled = [c for _, _, c in row.slots if c.kind != "empty"]
    if not filled:
        return True
    if any(c.kind in ("footer", "contact") for c in filled):
        return False
    if any(c.kind == "total" for c in filled):
        for c in filled:
            ledger.skip("total", c.start, c.end)
        return True
    # A row copied from a page without its merged cells (the level cells, a label over the
    # table's side) starts that many columns early: read it shifted right, up to the name
    # column, where only so the level columns hold levels and the name column a name (or a
    # level's name: a row named by its level alone).
    fits: list[tuple[list[tuple[str, str | None, Cell]], list[tuple[str, Cell]]]] = []
    for shift in range(_name_column(model) + 1):
        roles = _roles(row, model, shift)
        level_cells = [(r, c) for r, _, c in roles if r in LEVEL_ROLES and c.kind != "empty"]
        if all(_fits(r, c) for r, c in level_cells) and (shift == 0 or len(filled) > 1):
            fits.append((roles, level_cells))
            if any(r == "name" and c.kind in ("text", "level") for r, _, c in roles):
                fits = [fits[-1]]
                break
            if shift > 0:
                fits.pop()  # shifted only where it then has its name
    if not fits:
        return False  # a form's label (项目名称, 年度目标) where the levels stand
    roles, level_cells = fits[0]
    _levels(level_cells, levels, scheme)
    if not any(r == "l2" for r, _ in level_cells):
        # A row named by its 二级 alone (数量指标 | 375万平方米) stands under that 二级 too,
        # as the text segmenter reads it.
        named_by_level = [c for r, _, c in roles if r == "name" and c.kind == "level"]
        _levels(
            [("l2", c) for c in named_by_level if _second_level(c, levels, scheme)], levels, scheme
        )
    for _, cell in level_cells:
        ledger.skip("level", cell.start, cell.end)
    data = [(r, p, c) for r, p, c in roles if r not in LEVEL_ROLES]
    named = any(r == "name" and c.kind != "empty" for r, _, c in data)
    if not any(c.kind != "empty" for _, _, c in data):
        return True  # a row of level cells alone
    if not named and levels.l1 is None and levels.l2 is None:
        return False
    emit(Candidate(levels.l1, levels.l2, data, unnamed=not named, line=index))
    return True


def _fits(role: str, cell: Cell) -> bool:
    """A level cell in a level column: a 二级 alone in the 一级 column is a row that lost
    its merged 一级 cell."""
    return cell.kind == "level" and (role != "l1" or any(lv.depth == 1 for lv in cell.levels))


@lru_cache(maxsize=256)
def _name_column(model: Model) -> int:
    return next((c for c, col in enumerate(model) if col is not None and col.role == "name"), 0)


@lru_cache(maxsize=256)
def _span(model: Model, group: int) -> int:
    """How many columns the header cell starting at ``group`` names."""
    return sum(1 for column in model if column is not None and column.group == group)


def _roles(row: GridRow, model: Model, shift: int) -> list[tuple[str, str | None, Cell]]:
    """Each slot's (role, period, cell) under the model, the slots moved ``shift`` columns."""
    roles: list[tuple[str, str | None, Cell]] = []
    for first, last, cell in row.slots:
        first, last = first + shift, last + shift
        column = model[first] if first < len(model) else None
        if column is None:
            roles.append(("extra", None, cell))
            continue
        role = column.role
        if _span(model, column.group) > last - first + 1 and cell.kind in ("op", "unit"):
            role = cell.kind  # 指标值 over an operator, a number and a unit column
        roles.append((role, column.period, cell))
    return roles


def _second_level(cell: Cell, levels: _Levels, scheme: str) -> bool:
    """Whether a level cell reads as a 二级 where it stands."""
    current = levels.l1.level if levels.l1 else None
    return framework_module.load().resolve(cell.levels, scheme, current, True).depth == 2


def _levels(cells: list[tuple[str, Cell]], levels: _Levels, scheme: str) -> None:
    """Carry the row's level cells into ``levels`` as the text segmenter does; an empty
    level cell keeps the level above it (a level written once over its rows, unmerged)."""
    fw = framework_module.load()
    for role, cell in cells:
        current = levels.l1.level if levels.l1 else None
        level = fw.resolve(cell.levels, scheme, current, role == "l2" and current is not None)
        if level.depth == 1:
            if current is None or current.key != level.key:
                levels.l2 = None
            levels.l1 = LevelCell(cell, level)
            continue
        if framework_module.SCHEME_EVALUATION in level.schemes and level.broader != (
            current.key if current else None
        ):
            continue  # 绩效目标 outside its 决策: the form's own words, no level
        levels.l2 = LevelCell(cell, level)
        # Under a 一级 the table states (in this row or written once above it) a 二级 stays,
        # even one the framework puts elsewhere: the misplacement is a finding, not a move.
        stated = levels.l1 is not None and levels.l1.cell is not None and role == "l2"
        if not stated and (current is None or level.broader != current.key):
            parent = fw.parent(level)
            levels.l1 = LevelCell(None, parent) if parent else None
