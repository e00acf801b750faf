"""PDF reports through pdfplumber: text lines and ruled tables in page order.

Lines and cells are read from the characters' positions alike: a space where the file writes
one (or, in a file that writes none, a gap between Latin words), a column break where a gap
is wide. A table that runs on over a page break is joined into one, its repeated header row
dropped, a merged cell cut by the break made whole again, and a row the break cut (Word and
LibreOffice let a row run on over a page) made one row again. A line the page wrapped runs
on into the next, on the same page or the next one. A page with no text layer (a scan) is
read through OCR when asked, else the file is reported as needing it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pikg.errors import DocumentError
from pikg.reading import ocr as ocr_module
from pikg.reading.extras import needs
from pikg.reading.layout import Block, Cell, Layout, Paragraph, Table, grid_from_cells
from pikg.reading.render import one_line

SCANNED = "no text layer: scanned page, needs OCR"
_PAGE_NUMBER = re.compile(
    r"^\s*[-—－]*\s*(?:第\s*\d+\s*页(?:\s*[,，/共]\s*\d+\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?)\s*[-—－]*\s*$"
)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_SENTENCE_END = re.compile(r"[。！？；!?;]$")
_NUMBER_CUT = re.compile(r"\d[.,:/\-~]?$")  # a line ending inside a number
# A line opening with a heading number starts a paragraph even after a full line.
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．](?!\d))"
)


@dataclass(frozen=True)
class PdfSettings:
    """Thresholds of text-line assembly, in multiples of the font size."""

    space_gap: float = 0.15  # a gap this wide between two characters is a space
    column_gap: float = 1.5  # a gap this wide is a column break, written as two spaces
    # A table continues on the next page only if it ends and restarts this close (a fraction
    # of the page height) to the page's bottom and top.
    break_margin: float = 0.25
    # A line of prose was wrapped by the page, not by the writer, where the next line's first
    # word would not have fitted at its end (within this many font sizes of the text's right
    # edge, which is only estimated): it runs on into the next line.
    wrap_slack: float = 0.5
    # A page number standing this close (a fraction of the page height) to the page's top or
    # bottom is the page's furniture, not its text: a line before it does not run on into it.
    furniture_margin: float = 0.1
    # A line set this much (in font sizes) further below the one before than the document's
    # closest line pitch opens a paragraph: the writer's space between paragraphs.
    paragraph_gap: float = 0.4
    # A cell's text filled its box when no more room than this (in its line pitches) is left
    # below its last line than below the row's lowest text (widow control carries a line
    # over a break), and the room at that line's end is narrower than the next word by no
    # more than ``cut_slack`` font sizes: a page break cut its row.
    cut_room: float = 1.5
    cut_slack: float = 0.25


SETTINGS = PdfSettings()
# Characters a line may not open with (closing punctuation, a percent sign): a wrap moves the
# character before them along, so they count in the width of the next line's first word.
_NO_LINE_START = frozenset("，。、；：！？）》」』】〉”’,.;:!?)]}%％")
# and characters a line may not end with (opening brackets and quotes): they go with the next.
_NO_LINE_END = frozenset("（《「『【〈“‘([{")
# A wrap after these joins without a space (``2019年--`` | ``2021年``, a path cut at ``/``).
_BREAK_AFTER = frozenset("-–—/")

Char = dict[str, Any]


@dataclass(frozen=True)
class _Fill:
    """How a cell's text fills its box: what tells a row cut by a page break from two rows."""

    slack: float  # room left at the end of its last line
    room: float  # room left below its last line
    lead: float  # width of its first line's first word, which a wrap cannot part
    size: float  # its font size
    lines: int = 1  # how many lines it has
    pitch: float = 0.0  # the distance between its lines (of one: 1.5 font sizes)
    open: bool = False  # the file writes a space after its last line: its text runs on


@dataclass
class _Part:
    """A table found on one page, before joining: rows of cells and their page."""

    grid: tuple[tuple[Cell | None, ...], ...]
    page: int
    above: float = 0.0  # room left above and below the table, as fractions of the page
    below: float = 0.0
    fills: dict[tuple[int, int], _Fill] = field(default_factory=dict)  # by anchor (row, col)


def _size(ch: Char) -> float:
    return max(float(ch.get("size") or 0), 1.0)


def _cjk(ch: Char) -> bool:
    return _CJK.match(ch["text"]) is not None


def _line_text(
    chars: list[Char], settings: PdfSettings, spaces: list[float] | None
) -> tuple[str, bool]:
    """A line's text and whether it has a column break (a gap between glyphs wider than
    ``column_gap``). Where the file writes its spaces as characters (``spaces``: their
    centres on this line), a gap is a space only where one stands: a writer's spacing
    between Chinese and Latin text (LibreOffice's autospace) is as wide as a space but is
    none, and a single space that justification stretched is no column break. Where it
    writes none, a gap wider than ``space_gap`` is a space between two Latin glyphs of one
    font; next to a Chinese one, or where the font changes (the autospace again), it is
    none."""
    out = ""
    columns = False
    previous: Char | None = None
    for ch in chars:
        if ch["text"].isspace():
            continue  # a space is measured as the gap it leaves between its neighbours
        if previous is not None:
            end, start = float(previous["x1"]), float(ch["x0"])
            wide = start - end > settings.column_gap * _size(ch)
            if spaces is None:
                space = (
                    start - end > settings.space_gap * _size(ch)
                    and not (_cjk(ch) or _cjk(previous))
                    and ch.get("fontname") == previous.get("fontname")
                )
            else:
                written = bisect.bisect_right(spaces, start) - bisect.bisect_left(spaces, end)
                space, wide = written > 0, wide and written != 1
            if wide:
                out += "  "
                columns = True
            elif space:
                out += " "
        out += ch["text"]
        previous = ch
    return out.strip(), columns


def _lead(chars: list[Char], settings: PdfSettings) -> float:
    """The width of a line's first word: one Chinese character, or Latin glyphs up to a
    gap or a Chinese one, with the characters that may not open a line after it and after
    an opening bracket the character it opens."""
    glyphs = [c for c in chars if not c["text"].isspace()]
    if not glyphs:
        return 0.0
    first = last = glyphs[0]
    for ch in glyphs[1:]:
        joined = float(ch["x0"]) - float(last["x1"]) <= settings.space_gap * _size(ch)
        bound = ch["text"] in _NO_LINE_START or last["text"] in _NO_LINE_END
        if not joined or not (bound or not (_cjk(last) or _cjk(ch))):
            break
        last = ch
    return float(last["x1"]) - float(first["x0"])


def _ends_in_space(chars: list[Char], spaces: list[float] | None) -> bool:
    return bool(spaces and spaces[-1] > max(float(c["x1"]) for c in chars))


def _spaces_on(top: float, bottom: float, spaces: list[Char]) -> list[float]:
    """The centres of the space characters standing on a line, left to right."""
    return sorted(
        (float(c["x0"]) + float(c["x1"])) / 2
        for c in spaces
        if top <= (float(c["top"]) + float(c["bottom"])) / 2 <= bottom
    )


def _middle(ch: Char) -> float:
    return (float(ch["top"]) + float(ch["bottom"])) / 2


def _lines_of(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by their vertical middles, each line left to right."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=_middle):
        if lines and _middle(ch) - _middle(lines[-1][0]) < _size(ch) / 2:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: float(c["x0"])) for line in lines]


def _pitch(lines: list[list[Char]]) -> float:
    """The distance between a cell's lines, or for one line what single spacing gives."""
    if len(lines) < 2:
        return 1.5 * _size(lines[0][0])
    tops = [min(float(c["top"]) for c in line) for line in (lines[0], lines[-1])]
    return (tops[1] - tops[0]) / (len(lines) - 1)


def _cell_text(
    lines: list[list[Char]], spaces: list[Char] | None, settings: PdfSettings
) -> tuple[str, bool]:
    """A cell's lines (its width wrapped them) as one text, joined as a paragraph's are, and
    whether the file writes a space after its last line (a word the cell's foot parted)."""
    out = ""
    spaced = False
    for line in lines:
        top = min(float(c["top"]) for c in line)
        bottom = max(float(c["bottom"]) for c in line)
        on = _spaces_on(top, bottom, spaces) if spaces is not None else None
        text, _ = _line_text(line, settings, on)
        if text:
            out += ((" " if spaced else _glue(out, text)) if out else "") + text
            spaced = _ends_in_space(line, on)
    return out, spaced


def _grid(
    table: Any, chars: list[Char], spaces: bool, settings: PdfSettings
) -> tuple[tuple[tuple[Cell | None, ...], ...], dict[tuple[int, int], _Fill]]:
    """Cells with their spans, measured from pdfplumber's cell boxes against its row/column
    boundaries, each one's text assembled from the characters standing in it (as the page's
    lines are), and how that text fills its box."""
    lefts = sorted({box[0] for box in table.cells})
    tops = sorted({box[1] for box in table.cells})
    spans = []
    cover: dict[tuple[int, int], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(table.cells):
        r, c = tops.index(top), lefts.index(x0)
        height = max(sum(1 for t in tops if top <= t < bottom - 0.5), 1)
        width = max(sum(1 for x in lefts if x0 <= x < x1 - 0.5), 1)
        spans.append((r, c, height, width))
        for slot in ((r + dr, c + dc) for dr in range(height) for dc in range(width)):
            cover.setdefault(slot, i)
    inside: list[list[Char]] = [[] for _ in table.cells]
    left, top, right, bottom = table.bbox
    for ch in chars:
        x, y = (float(ch["x0"]) + float(ch["x1"])) / 2, _middle(ch)
        if left <= x <= right and top <= y <= bottom:
            slot = (bisect.bisect_right(tops, y) - 1, bisect.bisect_right(lefts, x) - 1)
            if slot in cover:
                inside[cover[slot]].append(ch)
    glyphs = [[c for c in own if not c["text"].isspace()] for own in inside]
    # The cells' inner margin: the least room any cell leaves before its text.
    pad = min(
        (
            min(float(c["x0"]) for c in g) - box[0]
            for g, box in zip(glyphs, table.cells, strict=True)
            if g
        ),
        default=0.0,
    )
    cells, fills = [], {}
    for box, own, line_chars, (r, c, height, width) in zip(
        table.cells, inside, glyphs, spans, strict=True
    ):
        lines = _lines_of(line_chars)
        written = [ch for ch in own if ch["text"].isspace()] if spaces else None
        text, spaced = _cell_text(lines, written, settings)
        cells.append(Cell(text, r, c, height, width))
        if lines:
            last = lines[-1]
            fills[(r, c)] = _Fill(
                slack=box[2] - max(pad, 0.0) - max(float(ch["x1"]) for ch in last),
                room=box[3] - max(float(ch["bottom"]) for ch in last),
                lead=_lead(lines[0], settings),
                size=_size(last[-1]),
                lines=len(lines),
                pitch=_pitch(lines),
                open=spaced,
            )
    return grid_from_cells(cells), fills


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (float(obj["x0"]) + float(obj["x1"])) / 2
    y = (float(obj["top"]) + float(obj["bottom"])) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


@dataclass
class _Page:
    """A page's text lines and tables, top down, before its lines are joined into paragraphs."""

    number: int
    items: list[_Line | _Part]
    mirror: float  # the mirror of the text's left margin: its right edge on an even layout
    widest: float  # the right end of its longest line or table


def _page_items(page: Any, number: int, spaces: bool, settings: PdfSettings) -> _Page:
    """``spaces``: whether the file writes its spaces as characters (anywhere in it)."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    height = float(page.height)
    placed: list[tuple[float, _Line | _Part]] = []
    for t in tables:
        grid, fills = _grid(t, page.chars, spaces, settings)
        above, below = float(t.bbox[1]) / height, 1 - float(t.bbox[3]) / height
        placed.append((float(t.bbox[1]), _Part(grid, number, above, below, fills)))
    text_only = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = [
        ln
        for ln in text_only.extract_text_lines(return_chars=True)
        if ln["chars"] and not _page_number(ln, height, settings)
    ]
    written = [c for c in text_only.chars if c["text"].isspace()]
    for line in lines:
        top, chars = float(line["top"]), line["chars"]
        on = _spaces_on(top, float(line["bottom"]), written) if spaces else None
        text, columns = _line_text(chars, settings, on)
        if text:
            size, ends = _size(chars[0]), _ends_in_space(chars, on)
            lead = _lead(chars, settings)
            item = _Line(text, number, float(line["x1"]), size, columns, ends, top, lead)
            placed.append((top, item))
    placed.sort(key=lambda item: item[0])
    left = min((float(ln["x0"]) for ln in lines), default=0.0)
    widest = max([float(ln["x1"]) for ln in lines] + [float(b[2]) for b in boxes], default=0.0)
    return _Page(number, [item for _, item in placed], float(page.width) - left, widest)


def _pitches(pages: list[_Page], widest: float, settings: PdfSettings) -> dict[float, float]:
    """The closest pitch between a line that wraps into the next and that next line, by font
    size: the document's line pitch, which the lines of a paragraph keep (a block of lines
    set closer that do not wrap, a table's rows written as text, says nothing of it)."""
    pitches: dict[float, float] = {}
    for page in pages:
        right = min(widest, page.mirror)
        for a, b in itertools.pairwise(page.items):
            if isinstance(a, _Line) and isinstance(b, _Line) and a.size == b.size:
                pitch = b.top - a.top
                # not two lines set over each other
                if pitch > a.size * 0.8 and _wraps(a, b, right, settings):
                    pitches[a.size] = min(pitches.get(a.size, pitch), pitch)
    return pitches


def _page_blocks(
    page: _Page, widest: float, pitches: dict[float, float], settings: PdfSettings
) -> list[Paragraph | _Part]:
    """A page's text lines grouped into paragraphs between its tables: a line the page
    wrapped runs on into the next.

    The text's right edge is the mirror of its left margin (pages are laid out with even
    margins), or the document's longest line or table where that is nearer (a title over a
    table is the longest line when the document has no other prose, and is not wrapped for
    it). It is the document's, not the page's: a page of short lines wraps none of them."""
    right = min(widest, page.mirror)
    blocks: list[Paragraph | _Part] = []
    previous: _Line | None = None
    for block in page.items:
        if isinstance(block, _Line):
            if blocks and isinstance(blocks[-1], Paragraph) and previous is not None:
                glue = (
                    (" " if previous.space_after else _glue(blocks[-1].text, block.text))
                    if _runs_on(previous, block, right, pitches, settings)
                    else "\n"
                )
                blocks[-1] = Paragraph(blocks[-1].text + glue + block.text, page.number)
            else:
                blocks.append(Paragraph(block.text, page.number))
            previous = block
        else:
            blocks.append(block)
            previous = None
    return blocks


def _runs_on(
    line: _Line, after: _Line, right: float, pitches: dict[float, float], settings: PdfSettings
) -> bool:
    """Whether the page wrapped ``line`` into ``after``, the line below it: it wraps there
    (see ``_wraps``), and ``after`` is set no further below than the lines of a paragraph."""
    pitch = pitches.get(line.size, after.top - line.top)
    return (
        _wraps(line, after, right, settings)
        and after.top - line.top <= pitch + settings.paragraph_gap * line.size
    )


def _wraps(line: _Line, after: _Line, right: float, settings: PdfSettings) -> bool:
    """Whether ``line`` would go on into ``after`` if this was one paragraph: the next
    line's first word would not have fitted at its end. A row of an unruled table also
    reaches the right edge, but with wide gaps between its cells; a line closing a sentence
    at the edge may be a paragraph that just filled it, and the next line starts afresh (if
    the page wrapped there, a sentence parts); a heading opens a paragraph of its own."""
    return (
        line.x1 + after.lead > right - settings.wrap_slack * line.size
        and not line.columns
        and not _SENTENCE_END.search(line.text)
        and not _HEADING.match(after.text)
    )


def _across_pages(
    pages: list[_Page | list[Paragraph | _Part]],
    blocks: list[list[Paragraph | _Part]],
    settings: PdfSettings,
) -> None:
    """A paragraph the page's foot cut goes on with the first line of the next page: the
    page ends with a line that wraps into the line the next one opens with, at the text's
    own right edge (the mirror of its left margin): with no line pitch to go by over the
    break, a page's one line that is merely the document's longest (a title) is no wrap."""
    for k in range(len(pages) - 1):
        page, after = pages[k], pages[k + 1]
        if not isinstance(page, _Page) or not isinstance(after, _Page):
            continue
        if not page.items or not after.items or not blocks[k] or not blocks[k + 1]:
            continue
        last, first = page.items[-1], after.items[0]
        head, tail = blocks[k][-1], blocks[k + 1][0]
        if not isinstance(last, _Line) or not isinstance(first, _Line) or last.size != first.size:
            continue
        if not isinstance(head, Paragraph) or not isinstance(tail, Paragraph):
            continue
        if _wraps(last, first, page.mirror, settings):
            line, _, rest = tail.text.partition("\n")
            glue = " " if last.space_after else _glue(head.text, line)
            blocks[k][-1] = Paragraph(head.text + glue + line, head.page)
            blocks[k + 1][:1] = [Paragraph(rest, tail.page)] if rest else []


def _page_number(line: dict[str, Any], height: float, settings: PdfSettings) -> bool:
    margin = settings.furniture_margin * height
    at_edge = float(line["bottom"]) > height - margin or float(line["top"]) < margin
    return at_edge and _PAGE_NUMBER.match(line["text"]) is not None


@dataclass(frozen=True)
class _Line:
    text: str
    page: int
    x1: float  # where it ends
    size: float  # its font size
    columns: bool  # it has a gap between glyphs wide enough to part two cells
    space_after: bool = False  # the file writes a space after its last glyph (a word break)
    top: float = 0.0
    lead: float = 0.0  # the width of its first word (see ``_lead``)


def _glue(before: str, after: str) -> str:
    """What joins a line the page (or a cell's width) wrapped to the next: nothing next to a
    Chinese character, after a hyphen, dash or slash, at a bracket or a mark that keeps to
    its word, or inside a number cut by the wrap (``12.`` | ``31``); else a space."""
    last, first = before[-1:], after[:1]
    if _CJK.match(last) or _CJK.match(first) or last in _BREAK_AFTER | _NO_LINE_END:
        return ""
    if first in _NO_LINE_START:
        return ""
    return "" if _NUMBER_CUT.search(before) and first.isdigit() else " "


def _furniture(block: Paragraph | _Part) -> bool:
    """Page numbers between the two halves of a table cut by a page break."""
    return isinstance(block, Paragraph) and all(
        _PAGE_NUMBER.match(line) for line in block.text.splitlines()
    )


def _row_texts(row: tuple[Cell | None, ...]) -> list[str]:
    return [one_line(c.text) if c is not None else "" for c in row]


def _drop_repeated_header(first: _Part, rest: _Part) -> _Part:
    for k in (2, 1):
        if len(rest.grid) > k and [_row_texts(r) for r in rest.grid[:k]] == [
            _row_texts(r) for r in first.grid[:k]
        ]:
            fills = {(r - k, c): f for (r, c), f in rest.fills.items() if r >= k}
            return replace(rest, grid=_shift(rest.grid[k:], -k), fills=fills)
    return rest


def _shift(
    grid: tuple[tuple[Cell | None, ...], ...], by: int
) -> tuple[tuple[Cell | None, ...], ...]:
    """The grid with its cells moved ``by`` rows (spans cut at the grid's top)."""
    cells = {id(c): c for row in grid for c in row if c is not None}
    moved = []
    for cell in cells.values():
        top = max(cell.row + by, 0)
        bottom = cell.row + by + cell.rowspan
        if bottom > top:
            moved.append(replace(cell, row=top, rowspan=bottom - top))
    return grid_from_cells(moved)


def _starts(grid: tuple[tuple[Cell | None, ...], ...]) -> list[Cell]:
    """The cells that begin in a grid's first row, left to right, each once."""
    return [c for c in dict.fromkeys(c for c in grid[0] if c is not None) if c.row == 0]


def _cut(above: _Part, below: _Part, settings: PdfSettings) -> bool:
    """Whether ``below`` opens with the rest of the row ``above`` ends with, which a page
    break cut: every cell of its first row that has text goes on a cell of the same columns
    whose text filled its box, with no room left below its last line for another (beyond
    the one a paragraph's widow control may carry over), nor at that line's end for the
    next one's first word (else the text would have gone there).

    A cell of one line that fills its width may as well end there (一级指标 in a column
    just that wide, above 二级指标): where that is all the row above has, or what goes on
    below is such a line too, a cut needs more than that coincidence: two cells going on,
    or one that filled more than a line, or that the file writes a space after."""
    if not above.grid or not below.grid or len(above.grid[-1]) != len(below.grid[0]):
        return False
    last = [c for c in dict.fromkeys(above.grid[-1]) if c is not None]
    rooms = [f.room for c in last if (f := above.fills.get((c.row, c.col))) is not None]
    written = [c for c in _starts(below.grid) if c.text.strip()]
    evidence = len(written) > 1
    for cell in written:
        top = above.grid[-1][cell.col]
        fill = above.fills.get((top.row, top.col)) if top is not None else None
        rest = below.fills.get((0, cell.col))
        if top is None or fill is None or rest is None or top.col != cell.col:
            return False
        if top.colspan != cell.colspan:
            return False
        if fill.room - min(rooms) > settings.cut_room * fill.pitch:
            return False
        if fill.slack > rest.lead + settings.cut_slack * fill.size:
            return False
        alike = len(rooms) == 1 or (rest.lines == 1 and rest.slack <= rest.lead)
        evidence = evidence or fill.lines > 1 or fill.open or not alike
    return evidence


def _join(parts: list[_Part], index: int, settings: PdfSettings = SETTINGS) -> Table:
    """One table of parts cut by page breaks: a merged cell cut by the break made one, and
    a row the break cut (its cells' text running on over it) made one row again."""
    cells: list[Cell] = []
    pages: list[int] = []
    previous: _Part | None = None
    for n, part in enumerate(parts):
        part = _drop_repeated_header(parts[0], part) if n else part
        cut = previous is not None and _cut(previous, part, settings)
        offset = len(pages) - cut
        own = {id(c): replace(c, row=c.row + offset) for row in part.grid for c in row if c}
        last = grid_from_cells(cells)[-1] if cells else ()
        for below in _starts(part.grid) if part.grid and last else []:
            above = last[below.col]
            if above is None:
                continue
            if cut:
                text = above.text + _glue(above.text, below.text) + below.text
                rowspan = above.rowspan + below.rowspan - 1
            elif (above.rowspan == 1 and below.rowspan == 1) or (
                bool(above.text.strip()) == bool(below.text.strip())
            ):
                continue
            else:
                text = above.text if above.text.strip() else below.text
                rowspan = above.rowspan + below.rowspan
            cells[cells.index(above)] = replace(above, text=text.strip(), rowspan=rowspan)
            own.pop(id(below), None)
        cells.extend(own.values())
        pages.extend([part.page] * (len(part.grid) - cut))
        previous = part
    return Table(grid_from_cells(cells), index=index, pages=tuple(pages))


def _assemble(pages: list[list[Paragraph | _Part]], settings: PdfSettings) -> list[Block]:
    """Blocks in order, a table whose next page opens with the same columns joined to it."""
    blocks: list[Block] = []
    run: list[_Part] = []
    pending: list[Paragraph | _Part] = []  # page numbers seen since the run's last part

    def close() -> None:
        if run:
            blocks.append(_join(run, sum(isinstance(b, Table) for b in blocks), settings))
            run.clear()
        blocks.extend(b for b in pending if isinstance(b, Paragraph))
        pending.clear()

    for page in pages:
        for i, block in enumerate(page):
            if isinstance(block, _Part):
                continues = (
                    run
                    and all(_furniture(b) for b in pending)
                    and all(_furniture(b) for b in page[:i])
                    and block.grid
                    and run[-1].grid
                    and len(block.grid[0]) == len(run[-1].grid[0])
                    and block.page == run[-1].page + 1
                    and run[-1].below < settings.break_margin
                    and block.above < settings.break_margin
                )
                if not continues:
                    close()
                pending.clear()
                run.append(block)
            elif run:
                pending.append(block)
            else:
                blocks.append(block)
    close()
    return blocks


def read(path: Path, ocr: bool = False, settings: PdfSettings = SETTINGS) -> Layout:
    with needs("pdf", str(path)):
        import pdfplumber
    pages: list[_Page | list[Paragraph | _Part]] = []
    scanned: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            # A file that writes its spaces as characters writes them all: a gap elsewhere
            # is the writer's spacing, not a space.
            spaces = any(c["text"].isspace() for page in pdf.pages for c in page.chars)
            for number, page in enumerate(pdf.pages, 1):
                if page.chars:
                    pages.append(_page_items(page, number, spaces, settings))
                elif page.images:
                    scanned.append(number)
                    if ocr:
                        pages.append([Paragraph(ocr_module.page_text(path, number), number)])
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files; each means that
        raise DocumentError(str(path), f"not a readable PDF ({exc})") from exc
    if scanned and not ocr:
        listed = ", ".join(map(str, scanned))
        raise DocumentError(
            str(path), f"page {listed}: {SCANNED} (run with --ocr where tesseract is installed)"
        )
    laid = [p for p in pages if isinstance(p, _Page)]
    widest = max((p.widest for p in laid), default=0.0)
    pitches = _pitches(laid, widest, settings)
    blocks = [
        _page_blocks(p, widest, pitches, settings) if isinstance(p, _Page) else p for p in pages
    ]
    _across_pages(pages, blocks, settings)
    return Layout(format="pdf", blocks=_assemble(blocks, settings))
