"""Layout segmenters: typed cells (or prose) into row candidates with named columns.

Two segmenters cover the layouts disclosures use:

- ``read_table``: any table — one row a line or one cell a line, pipes, tabs, spaces or
  glued cells, columns in any order. The header's roles give the column model; level cells
  are carried down; each data cell goes to the next column that accepts its kind.
- ``read_prose``: targets in running text — level paths (`产出指标-数量指标-名称（≥7225人）`),
  `设1条数量指标:名称≥1个月;`, numbered headings, and lists split on `;；。，`.

A new layout is one more segmenter here and one more folder in ``tests/cases/``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from pikg.parsing import framework as framework_module
from pikg.parsing import lexicon as lexicon_module
from pikg.parsing.facts import is_department
from pikg.parsing.framework import Level
from pikg.parsing.ledger import Ledger
from pikg.parsing.targets import DATE_RE, DIGIT, POST_WORD, PRE_WORD, SYMBOL, is_unit, locate
from pikg.parsing.tokens import (
    PAGE_MARK,
    Cell,
    Line,
    cell_kinds,
    cells_of_line,
    cells_of_run,
    classify,
    is_target,
)

# Which cell kinds each column takes.
ACCEPTS: dict[str, frozenset[str]] = {
    "name": frozenset({"text"}),
    "value": frozenset({"target", "text"}),
    "actual": frozenset({"target", "text"}),
    "op": frozenset({"op"}),
    "unit": frozenset({"unit"}),
    "weight": frozenset({"target", "score"}),
    "score": frozenset({"target", "score"}),
    "completion": frozenset({"target"}),
    "direction": frozenset({"text", "op"}),
    "nature": frozenset({"text", "op"}),
    "reason": frozenset({"text", "target"}),
    "explain": frozenset({"text", "target", "op", "unit", "score"}),
}
DEFAULT_COLUMNS = (("name", None), ("value", None))
# A column's role with this suffix holds the rest of its cell wrapped onto a later line.
CONTINUED = "+"
# Header roles that are a form's labels unless other headers stand beside them.
FORM_LABELS = frozenset({"project", "amount", "targets", "task"})
# A header naming a project column and a column of its targets heads a summary table: one
# project a line, its targets written after it (`1 项目 860.00 名称≥20公顷名称≥90%`).
SUMMARY = frozenset({"project", "targets"})
EVALUATION = framework_module.SCHEME_EVALUATION
# A row line of this many text cells with no target and no level is another table's header.
FOREIGN_HEADER = 4
_UNIT_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,4}(?:/[\u4e00-\u9fffA-Za-z]{1,3})?")
_PAGE_LINE = re.compile(rf"[-—－]*(?:{PAGE_MARK})[-—－]*")
_ROW_NUMBER = re.compile(r"\d{1,3}")
_SPACES_AND_PIPES = re.compile(r"[\s|]+")
_SENTENCE_MARK = re.compile(r"[。;；]")
_OPERATOR_DIGITS = re.compile(rf"({SYMBOL})\s*(\d+)$")
_ENUMERATED = re.compile(r"[^、]+")
_WORD_CHARACTER = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_COLON = re.compile(r"[:：]")
# A qualitative target written after a name in prose is at most this long (`得到有效保障`).
QUALITATIVE_TARGET = 12
# A heading's level name is this long at least (产出指标, 产出目标): not a bare 产出 in prose.
MIN_HEADING_LABEL = 4
# A person's name is at most this long (苏日娜, 欧阳某某): beside a phone number, a contact.
PERSON_NAME = 4
# A line with more cells than this many times the columns is a stream of cells, not a row.
STREAM_FACTOR = 2
# A place that receives funds and has its own value column: a township, a street office, a
# village or a county-level unit.
_RECIPIENT = re.compile(
    r"[\u4e00-\u9fff]{2,10}?(?:街道办事处|街道办|街道|办事处|镇|乡|村|社区|县|区|市|旗)"
)
_RECIPIENTS = re.compile(rf"(?:{_RECIPIENT.pattern})+")
# A header line with this many known words may hold words the lexicon does not know, each
# a column of notes no longer than this.
UNKNOWN_COLUMN_HEADS = 3
COLUMN_WORD_CHARS = 8
# A day written alone on its line where no row is open: the date the table was signed.
_SIGNED_ON = re.compile(r"\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*")
# A glued table line wrapped by a PDF's text layer is at least this wide (display columns),
# and each of its lines but the last as wide as the first give or take WRAP_SLACK.
MIN_WRAP_WIDTH = 40
WRAP_SLACK = 4
# The rest of a cell wrapped onto a row of its own is no wider than the piece above it, give
# or take this many display columns (full-width punctuation above is read half-width).
CELL_WRAP_SLACK = 2
_GLUED_LINE = re.compile(r"[^\s|]+")
_SENTENCE_END = ("。", "；", ";", "：", ":")
_LABELLED = re.compile(r"[:：]\s*\S")  # a label and its value in one cell
# A yes/no answer or its marker in a cell (是, 否, 是/否): a row's value, never a header word.
_ANSWER = re.compile(r"是/否|是或否|[是否有无]")


@dataclass(slots=True)
class LevelCell:
    cell: Cell | None  # None for a level inferred from its 二级
    level: Level


@dataclass(slots=True)
class Candidate:
    """A row being read: its levels and the cells of each column."""

    l1: LevelCell | None
    l2: LevelCell | None
    cells: list[tuple[str, str | None, Cell]] = field(default_factory=list)  # role, period
    unnamed: bool = False
    line: int = -1
    group: int = 0
    next_column: int = 0  # the first data column not yet filled or passed over
    project: Cell | None = None  # its project, where a column of the table names it
    # the rest of that project's name, wrapped onto lines below; one list shared by the
    # project's rows, so a piece read after a row still reaches it
    project_rest: list[Cell] = field(default_factory=list)
    unit: str | None = None  # the unit its value column's header gives (`目标值（%）`)
    emitted: bool = False  # handed on already: a row read again (its name wrapped) is not twice

    def roles(self) -> list[str]:
        return [role for role, _, _ in self.cells]

    @property
    def extent(self) -> tuple[int, int]:
        if not self.cells:
            raise ValueError("a candidate without cells has no extent")
        start, end = self.cells[0][2].start, self.cells[0][2].end
        for _, _, c in self.cells:  # one pass: every candidate is asked, twice
            if c.start < start:
                start = c.start
            if c.end > end:
                end = c.end
        return start, end


Emit = Callable[[Candidate], None]


@dataclass
class TableReader:
    """One table's state while its cells stream past."""

    scheme: str
    ledger: Ledger
    emit: Emit
    columns: Columns = ()  # replaced, never changed in place: ``views`` holds to one
    header_open: bool = False
    saved: Columns = ()
    in_table: bool = False
    l1: LevelCell | None = None
    l2: LevelCell | None = None
    pending: Candidate | None = None
    after_level: bool = False
    level_names: bool = False  # rows here are named by their 二级 alone (unnamed rows)
    skip_next: bool = False
    wrapped: str | bool = False  # the pending row's name may run on into the next line
    header_line: bool = False  # the previous line was a header
    row_line: bool = False  # the line being read holds one row (not a stream of cells)
    after_page: bool = False  # the previous line was a page mark
    project: Cell | None = None  # the project column's cell carried down
    project_rest: list[Cell] = field(default_factory=list)  # its name's wrapped pieces
    page_title: Candidate | None = None  # a line after a page mark: a title if a header follows
    line_candidates: list[Candidate] = field(default_factory=list)
    last_header: str = ""  # the text of the header's last cell, which may wrap (`一级\n指标`)
    last_cell: Cell | None = None  # the cell fed last
    value_unit: str | None = None  # the unit in the value column's header (`指标值（%）`)
    serial: bool = False  # the cell fed last was a 序号 header
    stream: bool = False  # the line being read holds several rows' cells (one a line, glued)
    _views: ColumnViews | None = None  # of ``columns``: every cell asks, a header changes them
    level_twice: bool = False  # the level fed last stood twice on its line (in the name column)
    last_row: Candidate | None = None  # the row the line before held whole, with its target

    # ---- lines --------------------------------------------------------------------------

    def line(self, cells: list[Cell], text: str = "") -> None:
        cells = [c for c in cells if c.kind != "empty" or not c.text]
        meaningful = [c for c in cells if c.kind != "empty"]
        kinds = [c.kind for c in meaningful]
        # 第 1 页 共 3 页: a PDF's page mark, cut into cells at its spaces
        if meaningful and _PAGE_LINE.fullmatch(
            _SPACES_AND_PIPES.sub("", "".join([c.text for c in meaningful]))
        ):
            for c in meaningful:
                self.ledger.skip("page-number", c.start, c.end)
            self.after_page = True
            return
        after_page, self.after_page = self.after_page, False
        if not meaningful:
            if cells and self.pending is not None and not self.header_open:
                self._place(cells[0])  # a blank cell line holds an empty column
            return
        if "footer" in kinds:
            self.flush()
            self.in_table = False  # the page's footer: the table is over
            self.columns, self.l1, self.l2 = (), None, None
            for c in meaningful:
                self.ledger.skip("boilerplate", c.start, c.end)
            return
        if "header" in kinds and self._header_line(meaningful):
            self.header_line = True
            return
        if self.header_line and _header_tail(meaningful):
            self.header_line = False
            self.ledger.skip("header", meaningful[0].start, meaningful[-1].end)
            return
        if self.header_line and self._period_row(meaningful):
            self.header_line = False
            return
        self.header_line = False
        if self.header_open and ("target" in kinds or "level" in kinds):
            self._close_header()  # a row with a target: the header ended on the line before
        if len(meaningful) >= 2 and meaningful[0].kind in ("contact", "total"):
            # `填表人：…联系电话：…填报日期：2023年3月12日`, `| 总分 | | 100 | 95.2 |`: what
            # follows a signature's label or a total on its line is the label's, never a row
            self.flush()
            for c in meaningful:
                self.ledger.skip(meaningful[0].kind, c.start, c.end)
            return
        signed = len(meaningful) >= 2 and all(_is_body(c) for c in meaningful)
        signed = signed or _person_and_phone(meaningful)
        # the unit that signs on the line above its date is no indicator dated by it
        signer = self.pending is not None and _names_a_body(self.pending)
        dated = (
            len(meaningful) == 1 and (self.pending is None or signer) and _SIGNED_ON.fullmatch(text)
        )
        if signed or dated:
            if signer and self.pending is not None:
                for _, _, c in self.pending.cells:
                    self.ledger.skip("contact", c.start, c.end)
                self.pending = None
            self.flush()  # `某某县农业农村局  某某县财政局`, `2024年3月8日`: who signed, and when
            for c in meaningful:
                self.ledger.skip("contact", c.start, c.end)
            return
        last_row, self.last_row = self.last_row, None
        if self._wraps_name(cells, meaningful, text, last_row):
            return
        if self._by_position(cells, meaningful, text):
            return
        if self._wraps_project(cells, meaningful, text):
            return
        meaningful = self._summary_project(meaningful)
        if not meaningful:
            return
        width = len(self.data_columns()) + 2
        as_row = 2 <= len(meaningful) <= width * STREAM_FACTOR
        if (
            as_row
            and sum(c.kind == "text" and not _ANSWER.fullmatch(c.text) for c in meaningful)
            >= FOREIGN_HEADER
            and not {"target", "level"} & set(kinds)
        ):
            self._foreign_table(meaningful)
            return
        wrapped, self.wrapped = self.wrapped, False
        if wrapped == "open-name" or (
            wrapped
            and meaningful[0].kind == "text"
            and len(meaningful) <= 2
            and "level" not in kinds
        ):
            wrapped = True
        elif wrapped:
            wrapped = False
            self.flush()
        if as_row and not wrapped:
            self.flush()
            self.line_candidates = []
        if as_row and "text" in kinds and "target" in kinds[kinds.index("text") + 1 :]:
            self.level_names = False  # a name, then its target: rows here are named again
        self.row_line = as_row
        # Glued with no separator, more targets than the row has target columns: several rows.
        targets = sum(c.kind == "target" for c in meaningful)
        columns = self.views().targets
        self.stream = not as_row or (not _SPLIT_MARK.search(text) and targets > columns)
        before = self.pending
        for cell in meaningful:
            if wrapped and self.pending is not None and cell.kind == "text":
                self.pending.cells.append(("name", None, cell))  # the rest of a wrapped name
                wrapped = False
                continue
            wrapped = False
            self.feed(cell)
        pending = self.pending
        if after_page and len(meaningful) == 1 and pending is not None and pending is not before:
            self.page_title = pending
        # `\t\t新增取得…或职业技能` with no cell after it: a name cut where its row's line was
        # wrapped, at its column; the next line finishes it and holds its target
        cut = not as_row and cells[0].kind == "empty" and _row_cells(cells, text)[-1] is cells[-1]
        if (
            (as_row or cut)
            and pending is not None
            and pending.roles() == ["name"]
            and not pending.unnamed
        ):
            name = pending.cells[0][2].text
            if name.count("(") + name.count("（") > name.count(")") + name.count("）"):
                self.wrapped = "open-name"  # `名称（按抽查` with nothing after it: wrapped mid-cell
            else:
                self.wrapped = "maybe"  # a name alone: the next short line may finish it
            return
        if as_row:
            self.flush()
            rows = self.line_candidates
            if len(rows) == 1 and {"name", "value"} <= set(rows[0].roles()):
                self.last_row = rows[0]
            self._restated_groups()
            self.skip_next = False
        # One cell a line, a label's value is the next line (`审核人` / its name): still skipped.

    def _foreign_table(self, cells: list[Cell]) -> None:
        """Another table (a list of schools, of funds) begins with these header cells."""
        self.flush()
        self.in_table = False
        self.columns = ()
        self.l1 = self.l2 = None
        for c in cells:
            self.ledger.skip("narrative", c.start, c.end)

    def _by_position(self, cells: list[Cell], meaningful: list[Cell], text: str) -> bool:
        """A row of a table whose header puts levels after the name, or the value before it
        (`三级指标|二级指标|一级指标|指标值`): each cell is its header's column, by position;
        an empty level cell carries the level above down."""
        if self.pending is not None or len(meaningful) < 2:
            return False
        roles = self.views().roles
        if not _unusual_order(roles):
            return False
        row = _row_cells(cells, text)
        numbered = len(row) == len(roles) + 1 and _SERIAL.fullmatch(row[0].text) is not None
        if numbered:
            row = row[1:]  # the 序号 column, which the header's boilerplate gave no role
        if len(row) != len(roles) or any(c.kind in _NOT_IN_A_ROW for c in meaningful):
            return False
        named = [c for c, role in zip(row, roles, strict=True) if role == "name"]
        if not named or named[0].kind != "text":
            return False
        self._close_header()
        if numbered:
            self.ledger.skip("header", cells[0].start, cells[0].end)
        self.line_candidates = []
        placed = sorted(
            ((c, role) for c, role in zip(row, roles, strict=True) if role in ("l1", "l2")),
            key=lambda pair: pair[1],
        )
        for cell, role in placed:
            if cell.kind == "level":
                # the column says the depth: 成本指标 in a 二级 column is the 二级 one
                depth = 1 if role == "l1" else 2
                fits = tuple(lv for lv in cell.levels if lv.depth == depth) or cell.levels
                self._level(replace(cell, levels=fits))
            elif cell.kind != "empty":
                self.ledger.skip("narrative", cell.start, cell.end)
        for cell, role in zip(row, roles, strict=True):
            if role == "project" and cell.kind == "text":
                self.project = cell  # several projects in one table: carried down like levels
        cand = Candidate(self.l1, self.l2, line=named[0].line)
        if "project" in roles:
            cand.project, cand.project_rest = self.project, self.project_rest
        for cell, (role, period) in zip(row, self.columns, strict=True):
            if role in ("project", "amount", "task") and cell.kind != "empty":
                self.ledger.skip("narrative", cell.start, cell.end)
            elif role not in ("l1", "l2") and cell.kind != "empty":
                cand.cells.append((role, period, cell))
        self.pending = cand
        self.flush()
        return True

    def _wraps_name(
        self, cells: list[Cell], meaningful: list[Cell], text: str, last: Candidate | None
    ) -> bool:
        """`| | | 入成本控制率 | |`, `| | | | 月31日前完成 |` under a whole row: the rest of
        that row's name or target, which a PDF's table wrapped onto a line of its own, every
        other cell empty. A wrapped cell fills its column's width first, so the rest is no
        wider than the piece above it; a wider name alone is a row whose target cell was
        left blank, and a target alone is one of its own."""
        if last is None or self.pending is not None or len(meaningful) != 1:
            return False
        cell = meaningful[0]
        roles = self.views().roles
        row = _row_cells(cells, text)
        if len(row) != len(roles) or not _SPLIT_MARK.search(text):
            return False
        role = roles[row.index(cell)]
        above = [c for r, _, c in last.cells if r == role]
        if (
            not above
            or _display_width(cell.text) > _display_width(above[-1].text) + CELL_WRAP_SLACK
        ):
            return False
        if role == "name":
            if cell.kind not in ("text", "level"):  # `可持续影响`: a level's words, as a name
                return False
        elif role != "value" or cell.kind not in ("text", "unit", "target"):
            return False
        elif cell.kind == "target" and not _CUT_TARGET.search(above[-1].text):
            return False  # `≥90%` under `100%`: a target of its own
        last.cells.append((role if role == "name" else f"value{CONTINUED}", None, cell))
        return True

    def _wraps_project(self, cells: list[Cell], meaningful: list[Cell], text: str) -> bool:
        """`| | 经费 | | |` under a summary table's project: the project's name wrapped onto a
        line of its own, in its column (after the 序号 one at most), not a row."""
        roles = self.views().roles
        if (
            self.project is None
            or not roles
            or roles[0] != "project"
            or "l1" in roles
            or len(meaningful) != 1
            or meaningful[0].kind != "text"
        ):
            return False
        row = _row_cells(cells, text)
        piece = meaningful[0]
        if piece not in row or row.index(piece) > 1 or row.index(piece) >= len(row) - 1:
            return False  # a later column: the targets wrapped, not the name
        self.flush()
        self.project_rest.append(piece)
        self.ledger.skip("narrative", piece.start, piece.end)
        return True

    def _summary_project(self, cells: list[Cell]) -> list[Cell]:
        """A summary table's line (`序号 项目名称 预算金额 名称≥20公顷…`): its number and amount
        skipped, its project carried to the rows its targets make; the cells after them."""
        roles = self.views().roles
        if not roles or roles[0] != "project" or "l1" in roles or len(cells) < 2:
            return cells
        rest = list(cells)
        numbered = rest[0].kind == "target" and _ROW_NUMBER.fullmatch(rest[0].text)
        rest = rest[1:] if numbered else rest
        priced = len(rest) > 1 and "amount" in roles and rest[1].kind == "target"
        if not rest or rest[0].kind != "text" or not (numbered or priced):
            if not any(c.kind in ("target", "total") for c in cells):
                self.flush()  # the notes under the table, its signature: the table is over
                self.in_table, self.columns, self.project = False, (), None
            return cells  # the total, or a project's targets wrapped onto the next line
        if numbered:
            self.ledger.skip("header", cells[0].start, cells[0].end)  # the 序号 column
        self.flush()
        self.project, self.project_rest = rest[0], []
        self.ledger.skip("narrative", rest[0].start, rest[0].end)
        rest = rest[1:]
        if rest and "amount" in roles and rest[0].kind == "target":
            self.ledger.skip("narrative", rest[0].start, rest[0].end)
            rest = rest[1:]
        return rest

    def _header_line(self, cells: list[Cell]) -> bool:
        heads = [c for c in cells if c.kind == "header"]
        others = [c for c in cells if c.kind not in ("header", "boilerplate")]
        roles = {c.role for c in heads}
        if not heads or (all(c.role in FORM_LABELS for c in heads) and not roles >= SUMMARY):
            return False
        # a column word the lexicon does not know (数据来源, 佐证材料) beside a header's known
        # words heads a column of notes, so the cells below keep their columns
        notes = (
            bool(others)
            and len(heads) >= UNKNOWN_COLUMN_HEADS
            and "value" in roles
            and others[0] is not cells[0]
            and all(_column_word(c) for c in others)
        )
        if (
            others
            and not notes
            and not (len(heads) >= 2 and len(others) == 1 and others[0] is cells[0])
        ):
            return False
        if self.header_open and not self.header_line:
            # a header word met inside a line before (实际完成情况：…) opened no header
            self.header_open, self.columns = False, self.saved
        for cell in cells:
            if cell.kind == "header":
                self._header_cell(cell)
            elif notes and cell.kind == "text":
                self._header_cell(replace(cell, kind="header", role="explain"))
            else:
                self.ledger.skip(
                    "boilerplate" if cell.kind == "boilerplate" else "header", cell.start, cell.end
                )
        return True

    # ---- cells --------------------------------------------------------------------------

    def feed(self, cell: Cell) -> None:
        last, self.last_cell = self.last_cell, cell
        kind = cell.kind
        if kind == "header" and cell.role in FORM_LABELS and not self.header_open:
            self.ledger.skip("boilerplate", cell.start, cell.end)  # 项目名称 | X: the form's label
            return
        if kind == "header":
            self._header_cell(cell)
            return
        serial, self.serial = self.serial, False
        if kind == "boilerplate":
            self.ledger.skip("boilerplate", cell.start, cell.end)
            self.serial = cell.key in lexicon_module.load().words("boilerplate", "serial")
            return
        if serial and kind == "text" and not self.row_line and self.line_candidates:
            self._foreign_table([cell])  # 序号 / 学校 / …, one a line: a list after the table
            return
        if self.header_open and kind == "text" and self._header_rest(cell):
            self.ledger.skip("header", cell.start, cell.end)  # `一级` / `指标`: one cell wrapped
            return
        if (
            self.header_open
            and self.columns
            and kind == "text"
            and (self.row_line or _recipients(cell.text))
        ):
            # A header cell the lexicon does not know on the header's line, or the names of
            # recipient townships (某甲街道办某乙镇, glued): one more value column for each.
            self.columns += (("value", None),) * max(_recipients(cell.text), 1)
            self.ledger.skip("header", cell.start, cell.end)
            return
        if kind == "footer":
            self.flush()
            self.in_table = False  # the page's footer: the table is over
            self.columns, self.l1, self.l2 = (), None, None
            self.ledger.skip("boilerplate", cell.start, cell.end)
            return
        if self.header_open:
            self._close_header()
        if kind == "contact" or self.skip_next:
            self.ledger.skip("contact", cell.start, cell.end)
            # a bare label's value is the next cell; `联系电话：0931-…` holds its own
            self.skip_next = (
                kind == "contact" and not self.skip_next and not _LABELLED.search(cell.text)
            )
            return
        if kind == "total":
            self.flush()
            self.ledger.skip("total", cell.start, cell.end)
            self.skip_next = True  # the total's own figure
            return
        if kind == "page":
            self.ledger.skip("page-number", cell.start, cell.end)
            return
        if kind == "level":
            self._level(cell)
            return
        if not self.in_table:
            self.ledger.skip("narrative", cell.start, cell.end)
            return
        if self.pending is None and (self._explained(cell) or self._named_by_note(cell, last)):
            return
        if self.pending is None and self._value_was_name(cell, last):
            return
        if self.pending is None:
            self._start(cell)
            return
        self._place(cell)

    def _note(self) -> tuple[Candidate, Cell] | None:
        """The last row and its closing explanation or reason cell, if it has one."""
        last = self.line_candidates[-1] if self.line_candidates else None
        if last is None or not last.cells or last.cells[-1][0] not in ("explain", "reason"):
            return None
        return last, last.cells[-1][2]

    def _explained(self, cell: Cell) -> bool:
        """A piece glued to the explanation that closed the last row (`…受益群众满意度不低于` +
        `90%`, one cell cut in two): the explanation's, not a row of its own. In a stream of
        cells (a whole table glued) only where the row is named by its level alone: there the
        words after its target cannot be a name (`数量指标8600盏` + `维护城区路灯` + `8600盏`)."""
        note = self._note()
        if note is None:
            return False
        last, before = note
        if before.line != cell.line or before.end != cell.start:
            return False
        if self.stream and not last.unnamed and not self._restated_in_note(last, before, cell):
            return False
        last.cells.append((last.cells[-1][0], None, cell))
        return True

    def _restated_in_note(self, row: Candidate, before: Cell, cell: Cell) -> bool:
        """In a stream of cells, whether ``cell`` goes on an explanation that restates the
        row's target (`≥90%` … `档案规范化率应该在` + `90%以上`): the same figure after a word
        that leads up to it (在, or a comparison word opening the target), or the words after
        such a figure (`…在12小时内` + `修复`)."""
        role = row.cells[-1][0]
        told = [c for r, _, c in row.cells if r == role]
        if cell.kind != "target":
            return len(told) > 1 and told[-1].kind == "target"
        figures = [_FIGURE.findall(c.text)[:1] for r, _, c in row.cells if r == "value"]
        same = any(f and f[0] in _FIGURE.findall(cell.text) for f in figures)
        lex = lexicon_module.load()
        led = before.text.endswith(lex.words("restate-before")) or cell.text.startswith(
            tuple(lex.pre)
        )
        return same and led

    def _named_by_note(self, cell: Cell, fed: Cell | None) -> bool:
        """A target (or its operator cell) right after the text that filled the last row's
        explanation column, in a stream of cells (one a line, or glued): that row's
        explanation was empty, and the text is this target's name
        (`名称A | 42个 | (空) | 名称B | 6.5公里`, `… | 名称B | ≥ | 120 | 万亩`)."""
        note = self._note()
        if note is None or not self.stream or cell.kind not in ("target", "op"):
            return False
        last, before = note
        if fed is not before or before.kind != "text":
            return False
        last.cells.pop()
        self._start(before)
        self._place(cell)
        return True

    def _value_was_name(self, cell: Cell, fed: Cell | None) -> bool:
        """One cell a line, a target right after the text that filled the last row's value
        column (`乡村公路养护资金` / `拨付到位及时率` / `100%`): that text was the rest
        of the row's name, wrapped onto a line of its own, and the target is the row's. A
        qualitative answer (有效, 是) stays the target."""
        if not self.stream or self.row_line or self.after_level or not self.line_candidates:
            return False
        last = self.line_candidates[-1]
        if cell.kind not in ("target", "op") or last.roles() != ["name", "value"]:
            return False
        text = last.cells[-1][2]
        if text is not fed or text.kind != "text" or _ANSWER.fullmatch(text.text):
            return False
        last.cells[-1] = ("name", None, text)
        last.next_column = 1
        self.pending = last
        self._place(cell)
        return True

    def _start(self, cell: Cell) -> None:
        # `| 成本指标 | 成本指标 | 万元 | ≤786 |`, `| 社会效益指标 | 社会效益指标 | 明显 |`: a
        # level written again in the name column names the row; what follows is its target
        if cell.kind == "text" and _holds_target(cell.text):
            self.level_names = False  # a name with its target: rows here are named again
        named_by_level = self.after_level and self.l2 is not None and cell.kind == "text"
        named_by_level = named_by_level and (
            self.level_names or (self.level_twice and self.row_line)
        )
        unnamed = cell.kind in ("target", "op", "unit") or named_by_level
        if cell.kind == "text" and not unnamed:
            self.pending = Candidate(self.l1, self.l2, [("name", None, cell)], line=cell.line)
            self.pending.next_column = 1
            if "project" in self.views().roles:
                self.pending.project, self.pending.project_rest = self.project, self.project_rest
        elif unnamed and self.after_level and (self.l2 or self.l1):
            self.level_names = True
            self.pending = Candidate(self.l1, self.l2, [], unnamed=True, line=cell.line)
            self.pending.next_column = 1
            self._place(cell)
            return
        elif cell.kind == "score":
            self.ledger.skip("narrative", cell.start, cell.end)
        elif cell.kind == "target" and _ROW_NUMBER.fullmatch(cell.text):
            self.ledger.skip("page-number", cell.start, cell.end)
        else:
            self.ledger.unparsed(cell.start, cell.end)
        self.after_level = False

    def _place(self, cell: Cell) -> None:
        """Put a cell in the next column of the pending row that takes its kind."""
        pending = self.pending
        assert pending is not None
        columns = self.data_columns()
        if cell.key in lexicon_module.load().natures and ("nature", None) not in columns:
            pending.cells.append(("nature", None, cell))  # 定性 in a form with no column for it
            return
        if (
            cell.kind == "text"
            and pending.roles() == ["name"]
            and _holds_target(pending.cells[0][2].text)
        ):
            self.flush()  # `享受待遇人数≤42人` then `补助标准≤7万元`: each line a whole row
            self._start(cell)
            return
        done = pending.next_column
        pieces = _glued_direction(cell, pending, columns[done:]) if cell.kind == "target" else None
        if pieces is not None:
            for piece in pieces:
                self._place(piece)
            return
        for j in range(done, len(columns)):
            role, period = columns[j]
            takes = cell.kind in ACCEPTS.get(role, frozenset()) or (
                role == "unit"
                and cell.kind == "text"
                and _UNIT_WORD.fullmatch(cell.text) is not None
            )  # a unit pikg does not list (万立方米, 单) in a unit column is still the unit
            if cell.kind == "empty" or takes:
                if role == "value" and cell.kind == "text" and _value_is_prose(cell.text):
                    break
                if j > done:  # columns skipped over stay empty
                    for k in range(done, j):
                        pending.cells.append((columns[k][0], columns[k][1], _blank(cell)))
                pending.cells.append((role, period, cell))
                pending.next_column = j + 1
                if j == len(columns) - 1:
                    self.flush()
                return
        # No column left takes it: a text cell opens the next row, anything else is extra.
        if cell.kind == "text":
            self.flush()
            self._start(cell)
        elif cell.kind == "empty":
            return
        elif "value" not in pending.roles() and cell.kind == "target":
            pending.cells.append(("value", None, cell))
        else:
            pending.cells.append(("extra", None, cell))

    def _level(self, cell: Cell) -> None:
        if self.pending is not None and self.pending.cells:
            self.flush()
            self.pending = None
        fw = framework_module.load()
        on_line = (
            self.l1 is not None and self.l1.cell is not None and self.l1.cell.line == cell.line
        )
        if (
            self.after_level
            and self.l2 is not None
            and self.l2.cell is not None
            and self.l2.cell.line == cell.line
            and not fw.lookup(cell.text)
        ):
            # `满意度指标 | 满意度指标 | 机关干部满意度指标`: right after both levels on its line,
            # a cell that only resembles a level name is the row's name.
            self.feed(Cell(cell.start, cell.end, cell.text, "text", cell.line))
            return
        level = fw.resolve(cell.levels, self.scheme, self.l1.level if self.l1 else None, on_line)
        # right after itself, and no 一级 name (满意度指标 | 满意度指标 are the 一级 and the 二级);
        # a second block's levels further on the line are not
        self.level_twice = (
            self.after_level
            and all(lv.depth == 2 for lv in cell.levels)
            and self.l2 is not None
            and self.l2.cell is not None
            and self.l2.cell.line == cell.line
            and self.l2.level.key == level.key
            and self.l2.cell.key == cell.key  # written alike, not 满意度指标 | 服务对象满意度指标
        )
        if (
            EVALUATION in level.schemes
            and level.depth == 2
            and (self.l1 is None or self.l1.level.key != level.broader)
        ):
            # 绩效目标, 资金管理 name a level only under their 决策/过程; elsewhere they are
            # the form's own words.
            self.feed(Cell(cell.start, cell.end, cell.text, "boilerplate", cell.line))
            return
        if level.depth == 1:
            self.l1, self.l2 = LevelCell(cell, level), None
        else:
            self.l2 = LevelCell(cell, level)
            if self.l1 is None or level.broader != self.l1.level.key:
                parent = fw.parent(level)
                self.l1 = LevelCell(None, parent) if parent else None
        self.ledger.skip("level", cell.start, cell.end)
        self.in_table = True
        self.after_level = True

    def _header_cell(self, cell: Cell) -> None:
        if not self.header_open:
            title = self.pending
            if title is not None and title is self.page_title and title.roles() == ["name"]:
                # the page's running title above the header the next page repeats
                self.ledger.skip("boilerplate", *title.extent)
                self.pending = None
            self.flush()
            self.saved, self.columns = self.columns, ()
            self.header_open = True
            self.value_unit = None
        assert cell.role is not None
        if cell.role == "targets":  # each project's targets: names and values, any number
            if "project" in self.views().roles:
                self.columns += (("name", None), ("value", None))
        else:
            self.columns += ((cell.role, cell.period),)
        self.last_header = cell.text
        bracket = _HEADER_UNIT.search(cell.text)
        if cell.role == "value" and bracket and is_unit(bracket.group(1)):
            self.value_unit = bracket.group(1)
        self.ledger.skip("header", cell.start, cell.end)

    def _period_row(self, cells: list[Cell]) -> bool:
        """`| | | | 中期目标 | 年度目标 |` under a header whose value columns have no period: the
        header's second line names each value column's period, in order."""
        values = [j for j, (role, period) in enumerate(self.columns) if role == "value"]
        if len(values) < 2 or len(cells) != len(values):
            return False
        periods = [_period_of(c.text) for c in cells]
        if None in periods:
            return False
        columns = list(self.columns)
        for j, period in zip(values, periods, strict=True):
            columns[j] = ("value", period)
        self.columns = tuple(columns)
        for c in cells:
            self.ledger.skip("header", c.start, c.end)
        return True

    def _header_rest(self, cell: Cell) -> bool:
        """Whether a text cell is the rest of the header cell before it, wrapped onto its own
        line: together they are a header word of the same column (`一级` + `指标`)."""
        if not self.columns:
            return False
        joined = lexicon_module.load().header_role(self.last_header + cell.text)
        return joined is not None and joined[0] == self.columns[-1][0]

    def _close_header(self) -> None:
        if not self.header_open:
            return
        self.header_open = False
        roles = {role for role, _ in self.columns}
        if not roles & {"name", "value"} and (self.saved or not roles & {"l1", "l2"}):
            # a stray header word inside a table changes nothing, and one with no name, value
            # or level beside it (备注 in another table's header) heads no table
            self.columns = self.saved
            return
        self.in_table = True
        if self.columns != self.saved:  # not the same header repeated after a page break
            self.l1 = self.l2 = None
            self.project = None
        self.level_names = False

    def views(self) -> ColumnViews:
        if self._views is None or self._views.columns is not self.columns:
            self._views = _column_views(self.columns)
        return self._views

    def data_columns(self) -> Columns:
        return self.views().data

    def flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        if pending.cells and not pending.emitted:
            pending.emitted = True
            pending.unit = self.value_unit
            pending.group = len(self.line_candidates)
            self.line_candidates.append(pending)
            self.emit(pending)
            if not self.row_line:
                self._restated_block()
        self.after_level = False

    def _restated_block(self) -> None:
        """A stream of cells (one a line, or a whole table glued) under a header holding two
        blocks of the same columns (中期 and 年度): a row naming the indicator of the row just
        before restates it; the last is kept, as where both blocks stand on one line."""
        rows = self.line_candidates
        if len(rows) < 2 or _roles(self.data_columns()).count("name") < 2:
            return
        before, last = (_name_of(c) for c in rows[-2:])
        if before is not None and before == last:
            self._restated(rows[-2], rows[-1])

    def _restated_groups(self) -> None:
        """A line holding the same indicator twice (中期 and 年度 side by side) keeps the last."""
        seen: dict[str, Candidate] = {}
        for cand in self.line_candidates:
            name = _name_of(cand)
            if name is not None:
                if name in seen:
                    self._restated(seen[name], cand)
                seen[name] = cand
        self.line_candidates = []

    def _restated(self, before: Candidate, kept: Candidate) -> None:
        """Marks ``before`` as restated by ``kept``, the second block's row, whose values are
        its own block's period: they fill the first block's value columns, which its levels
        restart."""
        before.group = -1
        periods = [period for role, period in self.data_columns() if role == "value"]
        if len(periods) > 1 and periods[0] != periods[-1]:
            kept.cells = [
                (role, periods[-1] if role == "value" and period == periods[0] else period, c)
                for role, period, c in kept.cells
            ]


# Where a target cut at its cell's edge may end: inside a date or a compound unit.
_CUT_TARGET = re.compile(r"[年月/.,，、\-—~～至]$")
_OPERATOR_OPENS = re.compile(rf"(?:{SYMBOL})\s*\S")


def _holds_target(text: str) -> bool:
    """Whether a text cell is a name with its target glued after it, opening with an
    operator sign (`政策知晓率≥90%`, `…规模=符合条件的对象…`)."""
    at = locate(text)
    return at is not None and at > 0 and _OPERATOR_OPENS.match(text, at) is not None


def _name_of(cand: Candidate) -> str | None:
    return next((c.text for r, _, c in cand.cells if r == "name"), None)


def _glued_direction(cell: Cell, pending: Candidate, columns: Columns) -> list[Cell] | None:
    """`≥11` glued after an explanation where a 指标方向 column and one value column per
    recipient follow: the direction `≥`, then one value each (`1`, `1`).

    The digits are divided only where that is unambiguous: one digit per column, or the
    same figure repeated for each.
    """
    if (
        cell.kind != "target"
        or not columns
        or columns[0][0] != "direction"
        or not pending.cells
        or pending.cells[-1][2].end != cell.start  # glued: no separator before it
    ):
        return None
    m = _OPERATOR_DIGITS.match(cell.text)
    if m is None:
        return None
    count = sum(1 for role, _ in columns[1:] if role == "value")
    digits, at = m.group(2), cell.start + m.start(2)
    op = Cell(cell.start, cell.start + m.end(1), m.group(1), "op", cell.line)
    if count < 2 or len(digits) % count:
        return [op, Cell(at, cell.end, digits, "target", cell.line)]
    size = len(digits) // count
    parts = [digits[i : i + size] for i in range(0, len(digits), size)]
    if size > 1 and len(set(parts)) > 1:
        return [op, Cell(at, cell.end, digits, "target", cell.line)]
    return [op] + [
        Cell(at + i * size, at + (i + 1) * size, part, "target", cell.line)
        for i, part in enumerate(parts)
    ]


@lru_cache(maxsize=1 << 16)
def _recipients(text: str) -> int:
    """How many recipient places a header cell names (`某乙镇`, `某甲街道办某乙镇`), or 0."""
    key = re.sub(r"[\s、,，/]+", "", text)
    return len(_RECIPIENT.findall(key)) if _RECIPIENTS.fullmatch(key) else 0


Columns = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class ColumnViews:
    """What a table's lines ask of its header's columns, worked out once per header."""

    columns: Columns
    roles: tuple[str, ...]
    data: Columns  # the columns a row's cells go to
    after_name: tuple[str, ...]  # the roles of the data columns after the first (the name)
    targets: int  # how many data columns take a target


def _column_views(columns: Columns) -> ColumnViews:
    data = _data_columns(columns)
    roles = _roles(data[1:])
    targets = sum(role in _TARGET_ROLES for role, _ in data)
    return ColumnViews(columns, _roles(columns), data, roles, targets)


@lru_cache(maxsize=1 << 10)  # a table's columns change at its header only
def _data_columns(columns: Columns) -> Columns:
    """The columns a row's cells go to: the header's without its level columns, a name first."""
    data = [c for c in columns if c[0] not in ("l1", "l2", *FORM_LABELS)] or list(DEFAULT_COLUMNS)
    if data[0][0] != "name" and ("name", None) not in data:
        data.insert(0, ("name", None))
    return tuple(data)


@lru_cache(maxsize=1 << 10)
def _roles(columns: Columns) -> tuple[str, ...]:
    return tuple(role for role, _ in columns)


_FIGURE = re.compile(r"\d+(?:\.\d+)?")
# The columns that take a target, and what separates a line's cells when anything does.
_TARGET_ROLES = frozenset({"value", "actual", "weight", "score", "completion"})
_SPLIT_MARK = re.compile(r"[|\t]|\S\s+\S")

# Cells that end or interrupt a table, never one of its row's columns.
_NOT_IN_A_ROW = frozenset({"header", "footer", "contact", "total", "page"})


def _person_and_phone(cells: list[Cell]) -> bool:
    """`| 杨某某 | 0856-5xxxxxx |`, `王某某  138…`: a person's name beside a phone number (a
    contact cell), nothing else on the line: who to call, never a row."""
    return {c.kind for c in cells} == {"contact", "text"} and all(
        c.kind == "contact" or len(c.key) <= PERSON_NAME for c in cells
    )


def _column_word(cell: Cell) -> bool:
    """A text cell short enough, and without figures, to be a column's header word."""
    return cell.kind == "text" and len(cell.key) <= COLUMN_WORD_CHARS and not DIGIT.search(cell.key)


def _names_a_body(cand: Candidate) -> bool:
    """A row read so far that is only a public body's name (a signature's unit)."""
    return [role for role, _, _ in cand.cells] == ["name"] and _is_body(cand.cells[0][2])


def _is_body(cell: Cell) -> bool:
    """A cell that is a public body's name and nothing else."""
    return cell.kind == "text" and is_department(cell.text)


@lru_cache(maxsize=1 << 10)
def _unusual_order(roles: tuple[str, ...]) -> bool:
    """A header whose levels follow the name, whose value precedes it, or whose unit
    precedes the value (`度量单位|指标值`: an empty unit cell must not pass its column on)."""
    if "name" not in roles:
        return False
    name = roles.index("name")
    levels = [i for i, role in enumerate(roles) if role in ("l1", "l2")]
    value = roles.index("value") if "value" in roles else len(roles)
    unit = roles.index("unit") if "unit" in roles else len(roles)
    return (
        any(i > name for i in levels)
        or value < name
        or unit < value
        or "project" in roles
        or "task" in roles
    )


_SERIAL = re.compile(r"\d{1,3}")  # a 序号 cell
# A second header line's words for a value column's period: 中期目标, 年度指标值, 全年.
_PERIOD_SUFFIX = re.compile(r"(?:目标值?|指标值?|值)?")


def _period_of(text: str) -> str | None:
    lex = lexicon_module.load()
    key = re.sub(r"\s+", "", text)
    for word in lex.periods_longest_first:
        if key.startswith(word) and _PERIOD_SUFFIX.fullmatch(key[len(word) :]):
            return lex.periods[word]
    return None


_HEADER_UNIT = re.compile(r"[(（]\s*([^()（）\s]{1,6})\s*[)）]\s*$")  # `目标值（%）`


def _row_cells(cells: list[Cell], text: str) -> list[Cell]:
    """A table line's cells without the empty ones a leading and a trailing `|` make."""
    row = list(cells)
    if row and row[0].kind == "empty" and text.lstrip().startswith("|"):
        row = row[1:]
    if row and row[-1].kind == "empty" and text.rstrip().endswith("|"):
        row = row[:-1]
    return row


def _header_tail(cells: list[Cell]) -> bool:
    """`字描述）`: the end of a header cell wrapped onto the next line."""
    text = "".join(c.text for c in cells)
    return len(cells) == 1 and text.endswith((")", "）")) and not re.search(r"[(（]", text)


def _blank(cell: Cell) -> Cell:
    return Cell(cell.start, cell.start, "", "empty", cell.line)


def _value_is_prose(text: str) -> bool:
    """A sentence, not a qualitative target (`稳步提高`, `有效`, `是`)."""
    return len(text) > 24 or bool(_SENTENCE_MARK.search(text)) or text.count("、") >= 2


def read_table(lines: list[Line], scheme: str, ledger: Ledger, emit: Emit) -> None:
    reader = TableReader(scheme, ledger, emit)
    i = 0
    while i < len(lines):
        run = _wrapped_run(lines, i)
        columns = reader.views().after_name
        if len(run) > 1:
            joined = "".join(ln.text.strip() for ln in run)
            reader.line(cells_of_run(run, i, columns), joined)
        else:
            reader.line(cells_of_line(lines[i], i, columns=columns), lines[i].text)
        i += len(run)
    reader.flush()


def _display_width(text: str) -> int:
    return sum(map(_char_width, text))


@cache  # characters: a few thousand at most
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _wrapped_run(lines: list[Line], i: int) -> list[Line]:
    """The lines from ``i`` on that are one glued table line a PDF's text layer wrapped at a
    fixed width (`…举办群众文化惠民演` / `出场次≥120场次…`): no white space or separator in
    any, each as wide as the first (give or take WRAP_SLACK columns), none but the last
    ending a sentence, and a level name among them. At least the line itself."""
    first = lines[i].text.strip()
    # a character is two columns wide at most: a short line is measured no further
    if 2 * len(first) < MIN_WRAP_WIDTH or not _GLUED_LINE.fullmatch(first):
        return [lines[i]]
    width = last_width = _display_width(first)
    if width < MIN_WRAP_WIDTH:
        return [lines[i]]
    run = [lines[i]]
    for j in range(i + 1, len(lines)):  # by index: a copy of the rest per line is quadratic
        last = run[-1].text.strip()
        text = lines[j].text.strip()
        if last.endswith(_SENTENCE_END) or not _GLUED_LINE.fullmatch(text):
            break
        if abs(last_width - width) > WRAP_SLACK:
            break
        last_width = _display_width(text)
        if last_width > width + WRAP_SLACK:
            break  # wider than the lines before: not their continuation
        if _whole_cell(text):
            break  # a level or header cell alone on its line: one cell a line, not a wrap
        run.append(lines[j])
        if last_width < width - WRAP_SLACK:
            break  # the last line of the run, shorter
    if len(run) == 1 or not _any_level().search("".join(ln.text for ln in run)):
        return [lines[i]]
    return run


def _whole_cell(text: str) -> bool:
    """Whether a line is one level or header cell and nothing else."""
    key = lexicon_module.squeeze(text)
    return bool(framework_module.load().lookup(key) or lexicon_module.load().header_role(key))


@cache
def _any_level() -> re.Pattern[str]:
    fw = framework_module.load()
    return re.compile(f"{fw.alternation(1)}|{fw.alternation(2)}")


def has_table(lines: list[Line]) -> bool:
    """A block is a table when a line holds a header cell or a row of level cells, or when
    two lines in a row are each a level name alone (`产出指标` / `数量指标`: a table cut one
    cell a line, its header cut off)."""
    if any(_marks_table(line.text) for line in lines):
        return True
    bare = [_bare_level(line.text) for line in lines if line.text.strip()]
    return any(a and b for a, b in itertools.pairwise(bare))


@lru_cache(maxsize=1 << 16)
def _bare_level(text: str) -> bool:
    return bool(framework_module.load().lookup(text.strip(" |")))


# Header roles of which one cell marks a table, alone or (SUMMARY) with the others.
MARKING_ROLES = frozenset({"l1", "l2", "name", "value"})


@cache
def _marking_words() -> tuple[str, ...]:
    """The header words that can mark a table."""
    lex = lexicon_module.load()
    return tuple(w for w, role in lex.headers.items() if role in MARKING_ROLES | SUMMARY)


@cache
def _marking_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(_marking_words(), key=len, reverse=True))))


def _may_mark_table(text: str) -> bool:
    """Whether a line without separators could hold a table-marking header cell, told without
    cutting it. A header cell reads as its header word after a period or a year before it,
    a bracket opened after it, or notes in brackets inside it are taken off (see
    ``Lexicon.header_role``), so the line holds the word whole, white space aside — as
    written, or once its notes in brackets are taken off."""
    flat = _SPACES_AND_PIPES.sub("", text)
    if _marking_pattern().search(flat):
        return True
    return ("(" in flat or "（" in flat) and bool(
        _marking_pattern().search(lexicon_module.unbracketed(flat))
    )


@lru_cache(maxsize=1 << 16)  # the same lines (levels, headers) recur over a document
def _marks_table(text: str) -> bool:
    separated = "|" in text or "\t" in text or "  " in text.strip()  # a wide gap parts cells
    if not separated and not _may_mark_table(text):
        return False  # prose, not cut into cells only to learn so
    cells = cell_kinds(text)
    if any(c.kind == "header" and c.role in MARKING_ROLES for c in cells):
        return True
    if {c.role for c in cells if c.kind == "header"} >= SUMMARY:
        return True
    levelled = any(c.kind == "level" for c in cells)
    if levelled and "  " in text.strip() and len(cells) >= 3 and cells[-1].kind == "target":
        return True  # `产出指标  数量指标  名称  ≥12个`: a row, its header cut off
    return ("|" in text or "\t" in text) and levelled


# ---- prose ---------------------------------------------------------------------------


@dataclass(slots=True)
class ProseItem:
    start: int
    end: int
    levels: list[tuple[int, int, Level]]  # span of each level named before the item
    name: tuple[int, int] | None
    target: tuple[int, int] | None


# The sentences and clauses of prose, and a bracket closing an item: `…覆盖率（≥90%）`.
_SENTENCE = re.compile(r"[^;；。]+")
_CLAUSE = re.compile(r"[^,，]+")
_CLOSING_BRACKET = re.compile(r"[(（]([^()（）]*)[)）]\s*$")
_ENUM = r"(?:[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．)）](?!\d))"
# ① folded (NFKC) is a bare 1: before a level's label, an item's number (①数量指标：…).
_CIRCLED = r"\d{1,2}"
_CIRCLED_START = re.compile(rf"\s*{_CIRCLED}")
_NEW_ITEM = re.compile(rf"\s*(?:{_ENUM}|设\s*\d+\s*条)")
_ITEM_LABEL = re.compile(
    r"\s*(?:[\u4e00-\u9fff]{0,8}(?:绩效)?目标|绩效指标|指标\s*\d{1,2})\s*[:：]\s*"
)  # `绩效目标：`, `指标1：`: a label before an item, no part of its name


@cache
def _path_after_colon() -> re.Pattern[str]:
    fw = framework_module.load()
    labels = "|".join(map(re.escape, sorted(fw.by_label, key=len, reverse=True)))
    return re.compile(rf"[:：]\s*(?=(?:{labels})\s*[-—–－:：])")


@cache
def _level_prefix() -> re.Pattern[str]:
    fw = framework_module.load()
    labels = "|".join(map(re.escape, sorted(fw.by_label, key=len, reverse=True)))
    return re.compile(
        rf"\s*(?:{_ENUM}|{_CIRCLED})?\s*(?P<count>设?\s*\d+\s*条)?\s*[【\[(（]?\s*(?P<label>{labels})\s*"
        rf"(?:(?P<sep>[】\])）]\s*[:：]?|[-—–－:：]+|方面\s*[,，:：]?)|(?P<glued>))\s*"
    )


def _numbered_label(line: str) -> bool:
    """`1数量指标：…` (① folded): a line opening with a number before a level's label."""
    m = _level_prefix().match(line)
    return m is not None and _CIRCLED_START.match(line, 0, m.start("label")) is not None


def _opens_path(line: str, before: str) -> bool:
    """`【产出指标-数量指标】…`, `产出指标—质量指标—…`, `数量指标：…`, `效益指标` alone: a
    line opening with a level path starts an item; a level wrapped onto the line does not:
    after a path's separator (`满意度指标-\n服务对象…`), or where the text before ends in the
    first part of a longer label (`社会\n效益指标-`) or is a count (`设1条\n数量指标:`)."""
    m = _level_prefix().match(line)
    if m is None:
        return False
    sep = m.group("sep")
    alone = sep is None and not line[m.end() :].strip()  # `效益指标` a heading on its line
    if sep is None and not alone:
        return False
    bracketed = line[: m.start("label")].strip().endswith(("【", "["))
    tail = before.rstrip()
    if (sep is not None and not bracketed and sep[0] not in "-—–－:：") or tail.endswith(
        _PATH_SEPARATORS
    ):
        return False
    lookup = framework_module.load().lookup
    return bracketed or not any(lookup(tail[-k:] + m.group("label")) for k in range(1, len(tail)))


_PATH_SEPARATORS = ("-", "—", "–", "－", ":", "：", "【", "[", "条")


def read_prose(
    text: str, spans: list[tuple[int, int]], scheme: str, ledger: Ledger, levels_only: bool = False
) -> list[ProseItem]:
    """Targets written as text over the given spans of the folded text.

    The spans' text is read as one (a target wrapped mid-word reads whole); each item of a
    list, split on `;；。` and on `，,` where every piece holds a target, is one row.
    """
    index: list[int] = []
    chars: list[str] = []
    for a, b in spans:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())  # a line's indentation is layout, not text:
        piece = piece[lead:].rstrip()  # 满意 / ␣␣度指标 reads 满意度指标
        a += lead
        b = a + len(piece)
        if chars and (_NEW_ITEM.match(piece) or _numbered_label(piece)):
            chars.append("；")  # a line opening with a number starts an item of a list
            index.append(index[-1])
        elif chars and _opens_path(piece, "".join(chars[-8:])):
            chars.append("。")  # one opening with a level starts a sentence, ending the line
            index.append(index[-1])  # before (no list item of its own: `项目资金：…`)
        chars.extend(piece)
        index.extend(range(a, b))
    joined = "".join(chars)
    items: list[ProseItem] = []
    fw = framework_module.load()
    current_l1: Level | None = None
    seconds = False  # the items so far were labelled by their 二级 alone
    heading: list[tuple[int, int, Level]] = []  # levels of a heading line, for the items below
    run: list[tuple[int, int, Level]] = []  # levels of a label opening a `；` list
    for m in _SENTENCE.finditer(joined):
        pieces = _comma_pieces(joined, m.start(), m.end())
        listed: list[tuple[int, int, Level]] = []  # the levels the list's first item names
        for a, b in pieces:
            item = _item(joined, a, b, fw, scheme, current_l1, seconds)
            if item is None:
                continue
            if item.levels and item.target is not None:
                listed = item.levels
            elif listed and item.target is not None and not heading:
                # `产出指标：A（≥90%）、B（≥65%）`: the level heads every item of its list
                item.levels = [(x, x, lv) for x, _, lv in listed]
            if item.levels:
                # a run of 二级 labels (数量指标：…；质量指标：…): 满意度指标 there is one too
                seconds = all(lv.depth == 2 for _, _, lv in item.levels)
            if item.levels and item.target is None:
                for x, y, _ in item.levels:
                    ledger.skip("level", index[x], index[y - 1] + 1)
                if item.name is None:
                    heading = item.levels  # `（一）数量指标`: a heading over the items below
                else:  # `社会效益指标:群众生活得到保障`, a target pikg cannot tell from its name
                    ledger.unparsed(index[item.name[0]], index[item.name[1] - 1] + 1)
                continue
            if not item.levels and heading and item.target is not None:
                item.levels = [(x, x, lv) for x, _, lv in heading]
            elif not item.levels and run and item.target is not None:
                item.levels = [(x, x, lv) for x, _, lv in run]
            elif item.levels:
                heading = item.levels if _heads_group(joined, item) else []
                run = item.levels if _LABEL_COLON.match(joined, item.levels[-1][1]) else []
            segment = (m.start(), m.end())
            if not item.levels and not _bare_item_reads(
                joined, item, len(pieces), levels_only, segment
            ):
                continue
            for _, _, level in item.levels:
                if level.depth == 1:
                    current_l1 = level
            # back to folded-text offsets
            item.start, item.end = index[item.start], index[item.end - 1] + 1
            item.levels = [
                (index[x], index[y - 1] + 1 if y > x else index[x], lv) for x, y, lv in item.levels
            ]
            if item.name:
                item.name = (index[item.name[0]], index[item.name[1] - 1] + 1)
            if item.target:
                item.target = (index[item.target[0]], index[item.target[1] - 1] + 1)
            items.append(item)
        if joined[m.end() : m.end() + 1] not in (";", "；"):
            run = []  # the `；` list a level's label opened ends with its sentence
    return items


# A level's label closed by a colon: `产出指标：A≥1；B≥2；…` — it heads the `；` list after it.
_LABEL_COLON = re.compile(r"\s*[:：]")


def _heads_group(joined: str, item: ProseItem) -> bool:
    """`【数量指标】…`, `设2条数量指标:…`: levels that head the items after this one too."""
    x, y, _ = item.levels[-1]
    if _GROUP_CLOSE.match(joined, y):  # in place: copies of the text around every item
        return True  # would grow with the square of a block's prose
    while x > 0 and joined[x - 1].isspace():
        x -= 1
    return x > 0 and joined[x - 1] == "条"


_GROUP_CLOSE = re.compile(r"\s*[】\]]")


# A comparison somewhere in a sentence: `≥2`, `不少于2`, `90%以上`, `12月底前`.
_COMPARES = re.compile(
    rf"(?:{SYMBOL}|{PRE_WORD})\s*\d|\d\s*[^\d\s,，;；。]{{0,4}}?(?:{POST_WORD})|\d\s*[日号月]底?前"
)


_NAME_BREAK = re.compile(r"[,，。:：]")
_OPENS_COMPARED = re.compile(rf"\s*(?:{SYMBOL}|{PRE_WORD})")
_CLOSES_COMPARED = re.compile(rf"(?:{POST_WORD})$|\d\s*[日号月]底?前$")


def _bare_item_reads(
    joined: str, item: ProseItem, pieces: int, levels_only: bool, segment: tuple[int, int]
) -> bool:
    """An item with no level is a row only where it reads as one: a short name, and an
    operator unless it stands in a list of several."""
    if levels_only or item.name is None or item.target is None:
        return False
    name = joined[item.name[0] : item.name[1]]
    if len(name) > 40 or _NAME_BREAK.search(name):
        return False
    target = joined[item.target[0] : item.target[1]]
    if _OPENS_COMPARED.match(target) or _CLOSES_COMPARED.search(target):
        return True
    # No comparison: a row only in a list of targets — `;`-separated, or commas in a
    # sentence that says it lists targets (绩效目标：…) or compares somewhere.
    if joined[item.end : item.end + 1] in (";", "；"):
        return True
    sentence = joined[segment[0] : segment[1]]
    return pieces > 1 and bool(_ITEM_LABEL.match(sentence) or _COMPARES.search(sentence))


def _comma_pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    pieces = [m.span() for m in _CLAUSE.finditer(text, a, b)]
    if len(pieces) > 2 and not _strip_prefixes(text[pieces[0][0] : pieces[0][1]]).strip():
        # `产出指标方面，A不少于82万人，B达到100%`: the level heads the list, a clause of its own
        pieces[:2] = [(pieces[0][0], pieces[1][1])]
    if len(pieces) > 1 and all(_split_at_target(_strip_prefixes(text[x:y])) for x, y in pieces):
        # a clause may list its targets on 、 (`预算186万元，目标为A≥120户、B=100%`), each
        # item closing on its figure and unit (not `市级不低于40元、县区不低于40元的标准`)
        return [item for x, y in pieces for item in _dunhao_items(text, x, y, closed=True)]
    return _dunhao_items(text, a, b)


def _dunhao_items(text: str, a: int, b: int, closed: bool = False) -> list[tuple[int, int]]:
    """`名称（≥90%）、名称（≥18.6万人）`, `名称≥1800件、名称≥95%`: a list on 、 where each item
    holds its target (a 、 inside a name has none before it), and with ``closed`` ends with
    it; else the span whole."""
    if text.find("、", a, b) < 0:
        return [(a, b)]  # one item at most
    listed = [(a + m.start(), a + m.end()) for m in _ENUMERATED.finditer(text[a:b])]
    if len(listed) > 1 and all(
        (_bracketed_target(text[x:y]) or _split_at_target(_strip_prefixes(text[x:y])))
        and (not closed or _closes_on_figure(text[x:y]))
        for x, y in listed
    ):
        return listed
    return [(a, b)]


_CLOSING_FIGURE = re.compile(r"\d(?:\.\d+)?\s*(?P<unit>[^\d\s]{0,6}?)[\s。;；,，]*$")


def _closes_on_figure(text: str) -> bool:
    """Whether ``text`` ends with a figure and, if anything, a unit: `群众满意度≥90%`."""
    m = _CLOSING_FIGURE.search(text)
    return m is not None and (not m.group("unit") or is_unit(m.group("unit")))


def _bracketed_target(text: str) -> bool:
    m = _CLOSING_BRACKET.search(text)
    return m is not None and is_target(m.group(1).strip())


def _strip_prefixes(text: str) -> str:
    while True:
        m = _level_prefix().match(text)
        if not m or not (m.group("sep") is not None or m.group("label").endswith("指标")):
            return text
        text = text[m.end() :]


def _item(
    joined: str,
    a: int,
    b: int,
    fw: framework_module.Framework,
    scheme: str,
    l1: Level | None,
    seconds: bool = False,
) -> ProseItem | None:
    pos = a
    prefix = _level_prefix()
    label = _ITEM_LABEL.match(joined, pos, b)
    while label:  # `绩效指标：指标1：…`
        pos = label.end()
        label = _ITEM_LABEL.match(joined, pos, b)
    if pos == a and not prefix.match(joined, pos, b):
        # `…项目预算绩效目标：产出指标-…`: a path after a label ending in a colon
        path = _path_after_colon().search(joined, pos, b)
        if path:
            pos = path.end()
    # The row starts where its path (or its name) does: a label before it is narrative.
    a = pos + len(joined[pos:b]) - len(joined[pos:b].lstrip())
    levels: list[tuple[int, int, Level]] = []
    while pos < b:
        m = prefix.match(joined, pos, b)
        if not m:
            break
        glued = m.group("glued") is not None and m.group("sep") is None
        if glued and not m.group("label").endswith("指标"):
            break
        candidates = fw.lookup(m.group("label"))
        # `设1条满意度指标`: counted indicators are listed by their 二级
        on_line = (
            any(lv.depth == 1 for _, _, lv in levels)
            or m.group("count") is not None
            or (seconds and not levels)
        )
        level = fw.resolve(candidates, scheme, l1, on_line)
        if EVALUATION in level.schemes and (l1 is None or level.broader != l1.key):
            break  # 绩效目标： as a label, not the 二级 of 决策
        levels.append((m.start("label"), m.end("label"), level))
        if level.depth == 1:
            l1 = level
        pos = m.end()
    body = joined[pos:b]
    stripped = body.strip(" :：")
    if not stripped:
        return ProseItem(a, b, levels, None, None) if levels else None
    lead = pos + body.index(stripped)
    end = lead + len(stripped)
    bracket = _CLOSING_BRACKET.search(stripped)
    if bracket and (
        is_target(bracket.group(1).strip())
        # under a stated path, any short bracket closing it is the target (`（有效保障）`)
        or (levels and bracket.start() >= 2 and 0 < len(bracket.group(1)) <= QUALITATIVE_TARGET)
    ):
        name_end = lead + bracket.start()
        return ProseItem(
            a, b, levels, (lead, name_end), (lead + bracket.start(1), lead + bracket.end(1))
        )
    # every value label ends in 值; the search, which may start anywhere, is costly on prose
    labelled = _VALUE_LABEL.search(stripped) if "值" in stripped else None
    if labelled and labelled.start() > 0 and is_target(stripped[labelled.end() :]):
        # `名称，指标值：≥82万人`: the value's label between the name and its target
        return ProseItem(
            a, b, levels, (lead, lead + labelled.start()), (lead + labelled.end(), end)
        )
    at = _split_at_target(stripped)
    if at is None:
        nature = _nature_split(stripped)
        if nature is not None and levels:
            return ProseItem(a, b, levels, (lead, lead + nature[0]), (lead + nature[1], end))
        words = _text_split(stripped) if levels else None
        if words is not None:
            return ProseItem(a, b, levels, (lead, lead + words[0]), (lead + words[1], end))
        if is_target(stripped) and levels:
            return ProseItem(a, b, levels, None, (lead, end))
        # under a level, words with no target read in them: a name without its target
        return ProseItem(a, b, levels, (lead, end), None) if levels else None
    name = stripped[:at].rstrip(" :：")
    if name.endswith("于") and DATE_RE.match(stripped, at):
        name = name[:-1]  # `检修于2024年4月30日前完成`: the preposition before a date
    if not name.strip():
        return ProseItem(a, b, levels, None, (lead, end)) if levels else None
    return ProseItem(a, b, levels, (lead, lead + len(name)), (lead + at, end))


# The label of a value written between an item's name and its target: `，指标值：`, `目标值为`.
_VALUE_LABEL = re.compile(r"[,，]?\s*(?:年度)?(?:指标值|目标值|指标目标值)\s*(?:[:：]|为|是)?\s*")


@cache
def _self_evaluation_sentence() -> re.Pattern[str]:
    """`名称绩效目标值是10万元,实际完成值为0万元,目标完成率为0%`, `名称年度目标值≥2600台，实际
    完成2714台，完成率104.4%`: a self-evaluation in prose."""
    fw = framework_module.load()
    labels = "|".join(map(re.escape, sorted(fw.by_label, key=len, reverse=True)))
    stop = r",，。;；:："
    return re.compile(
        rf"(?:[(（]\d{{1,2}}[)）])?(?:(?P<level>{labels})[:：])?"
        rf"(?P<name>[^{stop}()（）]{{2,40}}?)(?:{_TARGET_WORD})(?:是|为|[:：])?\s*"
        rf"(?P<target>[^{stop}]+?)\s*[,，]\s*"
        rf"(?:{_ACTUAL_WORD})(?:是|为|[:：])?\s*(?P<actual>[^{stop}]+?)\s*"
        rf"(?:[,，]\s*(?:目标)?完成率(?:是|为)?\s*(?P<rate>\d+(?:\.\d+)?%))?(?=[{stop}]|$)"
    )


# The words that introduce a self-evaluation sentence's target and its actual value.
_TARGET_WORD = "(?:绩效|年度|计划)?目标值|年度指标值"
_ACTUAL_WORD = "实际完成值|实际完成|实际达到|实际值|完成值"
_ACTUAL = re.compile(_ACTUAL_WORD)
_TARGET = re.compile(_TARGET_WORD)


@cache
def _level1_heading() -> re.Pattern[str]:
    """`3.满意度指标完成情况`, `（二）效益指标`: a heading naming a 一级 alone."""
    labels = framework_module.load().alternation(1)
    return re.compile(rf"\s*{_ENUM}?\s*(?P<label>{labels})\s*(?:完成情况)?\s*[:：]?\s*")


def read_self_evaluation_prose(text: str, lines: list[Line], scheme: str) -> list[Candidate]:
    """Self-evaluation sentences anywhere in the block, as candidates with named columns."""
    fw = framework_module.load()
    found: list[Candidate] = []
    if not any(_ACTUAL.search(line.text) for line in lines):
        return found  # headings only matter above a sentence
    heading: LevelCell | None = None  # `3.满意度指标完成情况`: the 一级 of the sentences below
    for i, line in enumerate(lines):
        if not _ACTUAL.search(line.text):
            head = _level1_heading().fullmatch(line.text)
            if head:
                level = fw.resolve(fw.lookup(head.group("label")), scheme, None, False)
                a, b = line.start + head.start("label"), line.start + head.end("label")
                heading = LevelCell(Cell(a, b, head.group("label"), "level", i, (level,)), level)
            continue  # the sentence's own words; most lines have none
        if not _TARGET.search(text, line.start, line.end):
            continue  # an actual value's word with no target's (a header): no sentence here
        l1, l2 = heading, None  # `数量指标：A…；B…`: a level named once heads the line's sentences
        for m in _self_evaluation_sentence().finditer(text, line.start, line.end):
            if m.group("level"):
                level = fw.resolve(fw.lookup(m.group("level")), scheme, None, False)
                cell = Cell(
                    m.start("level"), m.end("level"), m.group("level"), "level", i, (level,)
                )
                if level.depth == 2:
                    l2 = LevelCell(cell, level)
                    parent = fw.parent(level)
                    l1 = _heading_level(text, line.start, m.start(), parent, i, fw)
                else:
                    l1 = LevelCell(cell, level)
            cand = Candidate(l1, l2, line=i)
            for role in ("name", "target", "actual", "rate"):
                if m.group(role) is not None:
                    column = {"target": "value", "rate": "completion"}.get(role, role)
                    a, b = m.start(role), m.end(role)
                    cand.cells.append((column, None, Cell(a, b, text[a:b], "text", i)))
            found.append(cand)
    return found


def _heading_level(
    text: str, start: int, end: int, level: Level | None, line: int, fw: framework_module.Framework
) -> LevelCell | None:
    """The 一级 over a self-evaluation sentence: the heading that last named it before the
    sentence (`1.产出目标完成情况 (1)时效目标:…`), as written; else the level alone."""
    if level is None:
        return None
    labels = [lb for lb in fw.labels_of(level) if len(lb) >= MIN_HEADING_LABEL]
    found = max(((text.rfind(lb, start, end), lb) for lb in labels), default=(-1, ""))
    if found[0] < 0:
        return LevelCell(None, level)
    at, label = found
    return LevelCell(Cell(at, at + len(label), label, "level", line, (level,)), level)


_TRAILING_NUMBER = re.compile(r"(?<=[^\d.,])\d+(?:\.\d+)?\s*(?:[%‰]|[\u4e00-\u9fff/·]{1,6})?$")


@lru_cache(maxsize=1 << 14)  # list items recur across projects
def _split_at_target(text: str) -> int | None:
    """Where the target starts in `name target`: `locate`, or a number and a unit-like word
    closing the text (`学前教育资助标准1000元/生·年`)."""
    at = locate(text)
    if at is not None:
        return at
    m = _TRAILING_NUMBER.search(text)
    if m and _WORD_CHARACTER.search(text, 0, m.start()) and is_target(m.group()):
        return m.start()
    return None


def _text_split(text: str) -> tuple[int, int] | None:
    """`名称：长期`, `城市道路通行条件持续改善`: a name, then a qualitative target after a colon
    or in the lexicon's words for one."""
    colon = _COLON.search(text)
    if colon and colon.start() >= 2 and 0 < len(text) - colon.end() <= QUALITATIVE_TARGET:
        return colon.start(), colon.end()
    qualitative = lexicon_module.load().qualitative
    if not text.endswith(qualitative):
        return None  # one test for all words: most names end in none
    for word in qualitative:
        if text.endswith(word) and len(text) - len(word) >= 2:
            return len(text) - len(word), len(text) - len(word)
    return None


def _nature_split(text: str) -> tuple[int, int] | None:
    """`维护单位日常运转定性有效`: the name, then 定性/定量, then a qualitative target."""
    for word in lexicon_module.load().natures:
        i = text.rfind(word)
        if i > 0 and i + len(word) < len(text) and len(text) - i - len(word) <= 8:
            return i, i + len(word)
    return None


def classify_line_cells(line: Line, index: int) -> list[Cell]:
    return cells_of_line(line, index)


__all__ = ["SYMBOL", "Candidate", "ProseItem", "classify", "has_table", "read_prose", "read_table"]
