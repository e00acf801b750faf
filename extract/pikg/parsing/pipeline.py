"""Extraction: a document in, its facts, projects, indicator rows and unread lines out.

The text is folded once (``reading``), cut once into performance sections and project blocks
(``sections``), and each block's lines are read once: tokens (``tokens``) → row candidates
(``layouts``) → rows (``build``), with a ledger (``ledger``) accounting for every character.
"""

from __future__ import annotations

import gc
import itertools
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pikg.model import (
    DocumentMeta,
    EmptySection,
    Extraction,
    IndicatorRow,
    Project,
    Skip,
    Unparsed,
)
from pikg.parsing import concepts
from pikg.parsing import framework as framework_module
from pikg.parsing.aligned import read_aligned
from pikg.parsing.build import Context, from_candidate, from_prose
from pikg.parsing.facts import (
    form_projects,
    indicator_project,
    quoted_project,
    read_facts,
    titled_project,
)
from pikg.parsing.grid import read_grid
from pikg.parsing.layouts import (
    Candidate,
    has_table,
    read_prose,
    read_self_evaluation_prose,
    read_table,
)
from pikg.parsing.ledger import Ledger
from pikg.parsing.sections import Block, blocks, named_projects
from pikg.parsing.targets import SYMBOL
from pikg.parsing.tokens import Line
from pikg.reading.decode import MAX_SIZE, Source, line_starts, source_from_text
from pikg.reading.formats import read_document
from pikg.reading.sidecar import meta_for

# Unclaimed text holding one of these looks like a target pikg failed to read: unparsed.
# Anything else left over is the section's narrative.
_TARGET_LIKE = re.compile(rf"(?:{SYMBOL})\s*\d")
_COMPARISON = re.compile(SYMBOL)
# What may follow the last cell of a table at the end of a text: white space, pipes.
_TRAILING = " \t\n|"
_ONLY_TRAILING = re.compile(f"[{re.escape(_TRAILING)}]*")
_SPACE = re.compile(r"\s+")
_PAGE_LINE = re.compile(r"^\s*[-—－]*\s*(?:第\s*\d+\s*页.*|\d{1,3})\s*[-—－]*\s*$")


@lru_cache(maxsize=1 << 16)  # every row's name and project, over and over
def _key(name: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


class _Projects:
    """Projects in the order they are first named, one per name: a name that contains or is
    contained in one already known (食堂改造工程 in 某某县第一中学食堂改造…) is the same
    project. Names are looked up through indexes, not compared with every known one: every
    row comes here, and a document may name thousands of projects."""

    def __init__(self) -> None:
        self.items: dict[str, Project] = {}
        self.named: dict[str, list[Project]] = {}  # the projects by their name as it is now
        self._order: dict[str, int] = {}  # key → when it came
        self._holding: dict[str, list[str]] = {}  # character → the keys holding it, in order
        self._longest = 0

    def _known(self, key: str) -> str | None:
        """The first key (in the order they came) that holds ``key`` or that ``key`` holds."""
        if key in self.items:
            return key  # no known key holds another, so it is the only one
        reach = min(self._longest, len(key))
        found = {key[i:j] for i in range(len(key)) for j in range(i + 1, i + reach + 1)}
        found = {k for k in found if k in self.items}
        if "" in self.items:
            found.add("")
        if key:  # the keys holding it hold its rarest character
            rarest = min((self._holding.get(ch, []) for ch in set(key)), key=len)
            found.update(itertools.islice((k for k in rarest if key in k), 1))
        else:
            found.update(itertools.islice(self.items, 1))
        return min(found, key=self._order.__getitem__, default=None)

    def add(self, project: Project) -> None:
        key = _key(project.name)
        known = self._known(key)
        if known is not None:
            held = self.items[known]
            if held.amount is None and project.amount is not None:
                held.amount, held.amount_unit = project.amount, project.amount_unit
                held.amount_yuan = project.amount_yuan
            return
        self.items[key] = project
        self.named.setdefault(project.name, []).append(project)
        self._order[key] = len(self._order)
        for ch in set(key):
            self._holding.setdefault(ch, []).append(key)
        self._longest = max(self._longest, len(key))

    def complete(self, name: str) -> None:
        """Projects whose name ``name`` continues (a form's whole name of a name wrapped in a
        table) take it: looked up by each beginning of ``name``, not by every project."""
        for i in range(len(name)):
            for held in self.named.pop(name[:i], ()):
                held.name = name
                self.named.setdefault(name, []).append(held)


def _read_block(
    source: Source, block: Block, scheme: str, year: int | None, whole: bool = False
) -> tuple[list[IndicatorRow], list[Unparsed], list[Skip]]:
    project = block.project.name if block.project else None
    ctx = Context(source, scheme, year, project)
    ledger = Ledger()
    rows: list[IndicatorRow] = []
    lines = [ln for ln in block.lines if ln.text.strip()]
    if not lines:
        return [], [], []
    prose_rows: list[IndicatorRow] = []
    told = read_self_evaluation_prose(source.text, block.lines, scheme)
    if told:
        block = Block(block.project, [_blank_out(ln, told) for ln in block.lines], block.explicit)
        for cand in told:
            row = from_candidate(ctx, cand)
            if row is not None:
                prose_rows.append(row)
    candidates: list[Candidate] = []
    # Rows under a header of their own table are read by position; the text path reads the rest.
    left = read_grid(source, block.lines, scheme, ledger, candidates.append)
    left = read_aligned(source.text, left, scheme, ledger, candidates.append)
    if candidates or has_table(block.lines):
        read_table(left, scheme, ledger, candidates.append)
        for cand in candidates:
            start, end = cand.extent
            if cand.group == -1:
                ledger.skip("restated", start, end)
                continue
            if any(t.extent[0] < end and start < t.extent[1] for t in told):
                continue  # pieces left between prose sentences: the ledger keeps them

            row = from_candidate(ctx, cand)
            if row is not None and _cut_off(source.text, row, end):
                ledger.unparsed(start, end)  # the text ends inside this row: a fragment
            elif row is None and any(
                c.kind in ("target", "op") or _COMPARISON.search(c.text) for _, _, c in cand.cells
            ):
                ledger.unparsed(start, end)  # a target pikg could not attach to a name
            elif row is None:
                ledger.skip("narrative", start, end)  # words of the form or prose, no target
            elif ledger.claim_row(start, end):
                rows.append(row)
    else:
        spans = []
        for ln in lines:
            if _PAGE_LINE.match(ln.text):
                ledger.skip("page-number", ln.start, ln.end)
            else:
                spans.extend(_outside(ln.start, ln.end, [t.extent for t in told]))
        for item in read_prose(source.text, spans, scheme, ledger, levels_only=whole):
            row = from_prose(ctx, item)
            if row is not None and _cut_off(source.text, row, item.end):
                ledger.unparsed(item.start, item.end)
            elif row is not None and ledger.claim_row(item.start, item.end):
                rows.append(row)
            elif item.levels:
                ledger.unparsed(item.start, item.end)
    names = {_key(r.name) for r in rows}
    for cand, row in zip(told, prose_rows, strict=False):
        start, end = cand.extent
        if _key(row.name) in names:
            ledger.skip("restated", start, end)  # the prose restates a table row
        elif ledger.claim_row(start, end):
            rows.append(row)
    rows.sort(key=lambda r: r.start)
    first, last = lines[0].start, lines[-1].end
    unparsed: list[Unparsed] = []
    skipped: list[Skip] = []
    entered = {e.start for e in ledger.entries}  # what a segmenter claimed, not a gap
    for entry in ledger.close(source.text, first, last):
        if entry.fate == "row":
            continue
        a, b = source.span(entry.start, entry.end)
        if entry.fate == "skip" and entry.reason is not None:
            skipped.append(Skip(entry.reason, a, b))
        elif entry.fate == "unparsed" and (
            entry.start not in entered
            and not _TARGET_LIKE.search(source.text[entry.start : entry.end])
        ):
            skipped.append(Skip("narrative", a, b))
        elif source.original[a:b].strip():
            unparsed.append(Unparsed(text=source.original[a:b], start=a, end=b, project=project))
    return rows, unparsed, skipped


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """No cycle collection while one document is read (Mercurial's ``nogc``, for the same
    reason): the collector runs every few hundred allocations and walks the survivors, and a
    document's cells, candidates and rows are many, long-lived and free of cycles — a sixth
    of the extraction time went there. Reference counting still frees them; a cycle waits
    for the next collection after the document."""
    if not gc.isenabled():  # the caller's choice, or an extraction already under way
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_without_cycle_collection()
def extract_source(source: Source, meta: DocumentMeta | None = None) -> Extraction:
    framework = framework_module.load()
    scheme = framework.scheme_of(source.text)
    facts = read_facts(source, meta)
    rows: list[IndicatorRow] = []
    unparsed: list[Unparsed] = []
    skipped: list[Skip] = []
    empty: list[EmptySection] = []
    projects = _Projects()
    found = blocks(source)
    whole = not any(b.lines for b in found)
    if whole:
        # No heading marks a performance part: the whole text is searched, and only what
        # reads as a table or a level path counts.
        found = [Block(project=None, lines=list(_all_lines(source)))]
    for block in found:
        got, lost, skips = _read_block(source, block, scheme, facts.year, whole)
        rows.extend(got)
        unparsed.extend(lost)
        skipped.extend(skips)
        if block.project is not None and (got or block.explicit):
            projects.add(block.project)
        if (
            not got
            and block.explicit
            and block.project
            and any(ln.text.strip() for ln in block.lines)
        ):
            empty.append(_empty_section(source, block, block.project.name))
    # A table's project column names them too; each name once (adding one again changes
    # nothing), not once for each of its rows.
    for name in dict.fromkeys(row.project for row in rows if row.project is not None):
        projects.add(Project(name=name))
    # After the blocks, whose names the rows carry: a form's 项目名称 only adds its funds to
    # the project of the same name — or completes a name the form wrapped over two lines.
    # Rows by project, so that each form name looks up its own beginnings rather than every
    # row (forms and rows both grow with the document).
    by_project: dict[str, list[IndicatorRow]] = {}
    for row in rows:
        if row.project:
            by_project.setdefault(row.project, []).append(row)
    for from_form in form_projects(source):
        _rename_prefixes(by_project, from_form.name)
        projects.complete(from_form.name)
        projects.add(from_form)
    for listed in named_projects(source):
        projects.add(Project(name=listed))
    if whole and len(projects.items) == 1:
        # No performance part, one project named on the form: the rows read from the whole
        # text are that project's
        only = next(iter(projects.items.values())).name
        for row in rows:
            row.project = row.project or only
    if not projects.items and (titled := titled_project(source) or quoted_project(source)):
        projects.add(Project(name=titled))
        for row in rows:
            row.project = row.project or titled  # the one project the report is about
    elif not projects.items and (named := indicator_project(source)):
        projects.add(Project(name=named))
    for row in rows:
        where = source.where(row.start, row.end)
        if where is not None:
            row.page, row.sheet, row.cells, row.table = (
                where.page,
                where.sheet,
                where.cells,
                where.table,
            )
    with_rows = {_key(r.project) for r in rows if r.project}
    result = Extraction(
        doc=source.path,
        facts=facts,
        projects=list(projects.items.values()),
        rows=rows,
        unparsed=unparsed,
        digest=source.digest,
        format=source.format,
        skipped=skipped,
        empty_sections=[
            replace(e, project=_named(e.project, projects))
            for e in empty
            if not _has_rows(e.project, with_rows)
        ],
        line_starts=line_starts(source.original),
    )
    concepts.annotate(result)
    return result


def _empty_section(source: Source, block: Block, project: str) -> EmptySection:
    start, end = source.span(block.lines[0].start, block.lines[-1].end)
    first = next(ln for ln in block.lines if ln.text.strip())
    return EmptySection(start, end, source.raw(first.start, first.end).strip(), project)


def _named(project: str | None, projects: _Projects) -> str | None:
    """The name a project ended with (a form may have completed a wrapped one)."""
    key = _key(project or "")
    held = (p.name for k, p in projects.items.items() if key and (key in k or k in key))
    return next(held, project)


def _has_rows(project: str | None, with_rows: set[str]) -> bool:
    """Whether a project (or one whose name holds or is held in its name) is among the keys
    of the projects with rows: a section left empty is then the tail of its table (a
    signature, an attachment note)."""
    key = _key(project or "")
    return any(key in k or k in key for k in with_rows)


def _cut_off(text: str, row: IndicatorRow, end: int) -> bool:
    """A name with no target where the text ends: an excerpt cut off inside its row (web
    archives store the first kilobytes of a page), not an indicator without a target."""
    # Matched in place: a copy of the rest of the text per row would grow with its square.
    return row.target.kind == "empty" and _ONLY_TRAILING.fullmatch(text, end) is not None


def _outside(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) that no span in ``taken`` covers."""
    pieces = [(start, end)]
    for a, b in taken:
        pieces = [
            part
            for x, y in pieces
            for part in ((x, min(y, a)), (max(x, b), y))
            if part[1] > part[0]
        ]
    return pieces


def _rename_prefixes(by_project: dict[str, list[IndicatorRow]], name: str) -> None:
    """Rows whose project ``name`` starts with now carry ``name``."""
    for i in range(1, len(name)):
        if moved := by_project.pop(name[:i], None):
            for row in moved:
                row.project = name
            by_project.setdefault(name, []).extend(moved)


def _blank_out(line: Line, claimed: list[Candidate]) -> Line:
    """The line with what another segmenter read turned to spaces: offsets stay put."""
    chars = list(line.text)
    for cand in claimed:
        a, b = cand.extent
        for i in range(max(a, line.start), min(b, line.end)):
            chars[i - line.start] = " "
    return Line(line.start, line.end, "".join(chars))


def _all_lines(source: Source) -> list[Line]:
    from pikg.parsing.sections import lines_of

    return lines_of(source)


def extract_file(
    path: Path | str,
    meta: dict[str, DocumentMeta] | None = None,
    max_size: int = MAX_SIZE,
    ocr: bool = False,
) -> Extraction:
    """Extract one document of any supported format (sniffed from its content), with its row
    of ``meta`` (a ``--meta`` table) or its sidecar file; raises ``DocumentError`` with a
    one-line message on bad input (a file over ``max_size`` bytes among them). ``ocr`` reads
    scanned PDF pages with tesseract."""
    source = read_document(path, ocr=ocr, max_size=max_size)
    return extract_source(source, meta_for(Path(path), meta))


def extract_text(text: str, path: str = "<text>") -> Extraction:
    return extract_source(source_from_text(text, path))
