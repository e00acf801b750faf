"""Where the targets are: performance parts of a document and the project blocks inside them."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from pikg.model import Project
from pikg.parsing import framework as framework_module
from pikg.parsing import lexicon
from pikg.parsing.targets import NUMBER, locate, normalise_amount
from pikg.parsing.tokens import Line, is_target
from pikg.reading.decode import Source

# Each alternative opens with a character of its own, not a group: the regex engine then scans
# every line for those characters alone.
_PART_START = re.compile(
    r"绩效(?:目标|指标|自评|情况)"
    r"|一级指标.*(?:二级指标|指标名称|三级指标)|指标类[型别].*(?:二级指标|指标名称|三级指标)"
)
_HINT = re.compile(
    r"(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)?(?:年度|项目)?绩效(?:指标|目标)\s*[:：]?"
)
_TOP_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]+部分)"
)
_NAMED = re.compile(
    r"^[\s|#*]*(?:[一二三四五六七八九十\d]{1,3}[、.．]\s*)?\**项目\s*名称\**\s*[:：|]?\s*(?P<name>.*)$"
)
# Labels of the form that follow a project's name on the same line, where cells are glued.
_FORM_LABEL = re.compile(
    r"主管部门|实施单位|预算单位|项目属性|项目类型|项目负责人|项目编号|资金情况|项目金额"
)
_ENUMERATED = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d))"
    r"\s*(?P<name>[^:：;；。]{2,60}?)\s*(?P<colon>[:：]|$)"
)
# What opens a numbered indicator's target (1.某某率:目标值≥90%…): a value column's word or an
# operator. Such an item is a row, not a project's heading.
_VALUE_WORDS = tuple(w for w, role in lexicon.load().headers.items() if role == "value")
_TARGET_OPENS = re.compile(r"\s*[≥≤><=]")
# A form's label for funds, not a project's name (一、项目资金：320万元).
FUNDS_LABEL = re.compile(r"(?:项目|预算|财政|专项)?(?:资金|经费)(?:安排|来源)?")
_NOT_A_PROJECT = re.compile(
    rf"绩效|指标|目标|说明|情况|名词|解释|附件|目录|^(?:{FUNDS_LABEL.pattern})$"
)
_PROJECT_WORD = re.compile(r"(?:项目|资金|经费|专项|补助|工程)$")
_GOAL_LABEL = re.compile(
    r"^\s*(?:项目)?(?:年度总体目标|总体目标|年度目标|年度绩效目标|绩效总目标)\s*[:：|]?\s*(?P<rest>.*)$"
)
_GOAL_END = re.compile(r"绩效指标|一级指标|(?:项目)?(?:预算)?绩\s*效\s*目\s*标\s*[:：]|指标\s*[-—]")
_AMOUNT = re.compile(
    rf"(?:年度资金总额|资金总额|项目资金总额|预算金额|项目金额|年度预算数|预算安排|安排资金)"
    rf"(?:\s*[(（](?:万元|元)[)）])?\s*[:：|]?\s*"
    rf"(?P<num>{NUMBER})\s*(?P<unit>万元|元)?"
)
_UNIT_HINT = re.compile(r"[(（]\s*(万元|元)\s*[)）]|单位\s*[:：]\s*(万元|元)")
_LIST_OF_PROJECTS = re.compile(
    r"(?:主要为|主要包括|包括|分别为|分别是)(?P<list>[^。;；]{4,1000}?项目)(?=[等。;；,，])"
)


@dataclass
class Block:
    project: Project | None
    lines: list[Line] = field(default_factory=list)
    explicit: bool = False  # named by 项目名称 or ending in 项目/资金: a project even without rows
    prose: bool = False  # the heading's sentence runs on into the project's description


def lines_of(source: Source) -> list[Line]:
    lines = []
    pos = 0
    for text in source.text.split("\n"):
        lines.append(Line(pos, pos + len(text), text))
        pos += len(text) + 1
    return lines


def _parts(lines: list[Line]) -> list[range]:
    """Runs of lines (their indexes) from a heading about performance targets to the next
    unrelated heading. Most lines neither open nor close one: they cost one search."""
    parts: list[range] = []
    start: int | None = None
    for i, line in enumerate(lines):
        raw = line.text
        # `一、产出指标` heads a table of the part; `一、某某资金` over `绩效目标：…` heads a
        # project of it; any other numbered heading ends it
        heading = _TOP_HEADING.match(raw)
        if heading and _heads_targets(lines, i):
            if start is None:
                start = i
        elif (
            start is not None
            and heading
            and "绩效" not in raw
            and not framework_module.load().lookup(
                _STATUS.sub("", raw[heading.end() :].strip(" :："))
            )
        ):
            parts.append(range(start, i))
            start = None
        text = raw.strip() if _PART_START.search(raw) or "一级" in raw else ""
        opens = (
            bool(text)
            and len(text) <= 60
            and _PART_START.search(text) is not None
            and not _HINT.fullmatch(text)
            and not _NOT_A_HEADING.search(text)
            and locate(text) is None
        )
        if start is None and _LEVEL1_CELL.fullmatch(text):
            opens = True  # a table header cut one cell a line
        if start is None and ("指标" in raw or "目标" in raw) and _labels_targets(raw):
            opens = True  # `绩效指标：名称≥1200人；…`: the targets under their label, no heading
        if start is None and text and _HINT.fullmatch(text) and _target_follows(lines, i):
            opens = True  # `绩效目标：` alone, its items on the lines below (1.名称：≥82万人；)
        if opens and start is not None and _table_cell(text):
            opens = False  # 绩效目标, 绩效指标明确性: cells of the table under way
        if opens and (start is None or not _header_row(text)):
            if start is not None:
                parts.append(range(start, i))
                start = i
            else:
                start = _project_heading_above(lines, i)
    if start is not None:
        parts.append(range(start, len(lines)))
    return parts


# `三、满意度指标完成情况`: a self-evaluation's heading over one level's results
_STATUS = re.compile(r"\s*(?:完成情况|情况)\s*[:：]?\s*$")
_NOT_A_HEADING = re.compile(r"[。,，;；]|指标\s*[-—–－]")  # a sentence, or a level path
# A line that opens with the label of a project's targets: `绩效目标：…`, `年度绩效指标：…`.
_TARGETS_LABEL = re.compile(
    r"\s*(?:[(（][一二三四五六七八九十\d]{1,2}[)）]\s*)?(?:项目)?(?:年度)?绩效(?:目标|指标)\s*[:：]"
)
# How far below a numbered heading the label of its targets may stand (blank lines aside).
HEADING_REACH = 2


@cache
def _level_label() -> re.Pattern[str]:
    """A line opening with a level's name and a colon or dash: `产出指标：`, `（一）数量指标-`."""
    fw = framework_module.load()
    return re.compile(
        rf"\s*(?:[(（]?[一二三四五六七八九十\d]{{1,2}}[)）、.．]\s*)?[【\[]?"
        rf"(?:{fw.alternation(1)}|{fw.alternation(2)})\s*[】\]]?\s*[:：\-—－]"
    )


def _labels_targets(text: str) -> bool:
    """`绩效指标：名称≥1200人；…`, `产出指标：名称≥860公里；…`: targets after their label."""
    return bool(_TARGETS_LABEL.match(text) or _level_label().match(text)) and (
        locate(text) is not None
    )


def _project_heading_above(lines: list[Line], i: int) -> int:
    """Where a part opening at `i` starts: at the numbered heading naming a project right
    above it (`（一）城区绿化养护经费` over the table's header), else at `i`."""
    j = i - 1
    while j >= 0 and not lines[j].text.strip():
        j -= 1
    if j < 0:
        return i
    m = _ENUMERATED.match(lines[j].text)
    if m is None or m.group("colon") or _NOT_A_PROJECT.search(m.group("name")):
        return i
    return j if _PROJECT_WORD.search(m.group("name")) else i


def _texts_after(lines: list[Line], i: int) -> Iterator[str]:
    """The non-blank lines after `i`, read by index: a slice would copy the rest of the
    document at every heading, and a long document has many."""
    return (lines[j].text for j in range(i + 1, len(lines)) if lines[j].text.strip())


def _target_follows(lines: list[Line], i: int) -> bool:
    """Whether the next non-blank line after `i` holds a target or opens with a level's label
    (1.产出指标：数量指标：名称120户；…, whose targets need no comparison)."""
    following = next(_texts_after(lines, i), "")
    return locate(following) is not None or _level_label().match(following) is not None


def _heads_targets(lines: list[Line], i: int) -> bool:
    """Whether the numbered heading at `i` names a project whose targets follow it: one of
    the next non-blank lines opens with the label of targets (一、某某资金 / 绩效目标：…)."""
    following = itertools.islice(_texts_after(lines, i), HEADING_REACH)
    return any(_TARGETS_LABEL.match(t) for t in following)


_LEVEL1_CELL = re.compile(r"\s*一级\s*指标\s*[|]?\s*")


# A cell this short that opens with 绩效目标/绩效指标 names an evaluation row (绩效目标合理性).
_SHORT_CELL = 8


def _table_cell(text: str) -> bool:
    """A level cell, or an evaluation row's name, one a line inside a table under way."""
    cell = text.strip(" |")
    return bool(framework_module.load().lookup(cell)) or (
        len(cell) <= _SHORT_CELL and cell.startswith(("绩效目标", "绩效指标"))
    )


def _header_row(text: str) -> bool:
    """The column header of a target table opens a part but belongs to the table."""
    return "一级指标" in text and "二级指标" in text


def _indicator_item(rest: str) -> bool:
    """Whether what follows a numbered item's colon is its target (`≥82万人`, `指标值…`,
    `100%；`): the item is an indicator."""
    return (
        rest.lstrip().startswith(_VALUE_WORDS)
        or bool(_TARGET_OPENS.match(rest))
        or is_target(rest.strip(" ;；。,，"))
    )


def _first_cell(source: Source, line: Line, offset: int = 0) -> str:
    """The first cell from `offset` on, as the publisher wrote it."""
    text = line.text[offset:]
    lead = len(text) - len(text.lstrip(" \t|"))  # `|| 项目名称 || X ||`: the empty cells before
    cell = re.split(r"\s{2,}|[|\t]", text.strip(" \t|"))[0].strip()
    label = _FORM_LABEL.search(cell)
    if label and label.start() > 0:
        cell = cell[: label.start()]  # 项目名称X主管部门Y: glued cells
    cell = cell.strip("*# ")
    start = line.start + offset + lead
    return source.raw(start, start + len(cell)).strip() if cell else ""


def blocks(source: Source) -> list[Block]:
    """Project blocks of every performance part, with the project each belongs to."""
    found: list[Block] = []
    lines = lines_of(source)
    # 项目名称 lines anywhere (not a table's header): a part opening below one belongs to that
    # project. Matched once for every line, here, and looked up inside the parts.
    names = [
        _NAMED.match(ln.text) if "名称" in ln.text and not _header_row(ln.text) else None
        for ln in lines
    ]
    stated: list[tuple[int, str]] = []
    for i, m in enumerate(names):
        if m is None:
            continue
        ln = lines[i]
        if m.group("name").strip():
            stated.append((ln.start, _first_cell(source, ln, m.start("name"))))
            continue
        following = next((x for x in lines[i + 1 : i + 4] if x.text.strip()), None)
        if following is not None:  # 项目名称 alone, the name on the next line
            stated.append((ln.start, _first_cell(source, following)))
    stated = [(at, name) for at, name in stated if name]
    stated_at = [at for at, _ in stated]
    for part in _parts(lines):
        named = any(names[k] for k in part)
        before = bisect.bisect_left(stated_at, lines[part.start].start)  # names stated above
        block = Block(project=None)
        if before:
            # the part's lines up to its own first 项目名称 (all of them, if it names none) are
            # the project's named above it: a part opening at the first project's header
            # holds the next projects' names too
            block = Block(project=Project(name=stated[before - 1][1]), explicit=not named)
        found.append(block)
        waiting_for_name = False
        for k in part:
            line = lines[k]
            text = line.text
            if waiting_for_name and text.strip():
                block.project = Project(name=_first_cell(source, line))
                waiting_for_name = False
                continue
            m = names[k]
            if m:
                name = _first_cell(source, line, m.start("name"))
                block = Block(project=Project(name=name) if name else None, explicit=True)
                found.append(block)
                waiting_for_name = not name
                continue
            m = None if named else _ENUMERATED.match(text)
            if (
                m
                and not _NOT_A_PROJECT.search(m.group("name"))
                and locate(m.group("name")) is None
                and not _indicator_item(text[m.end() :])
            ):
                name = source.raw(line.start + m.start("name"), line.start + m.end("name")).strip()
                block = Block(project=Project(name=name), explicit=bool(_PROJECT_WORD.search(name)))
                block.prose = bool(m.group("colon"))
                found.append(block)
                if m.group("colon"):
                    block.lines.append(Line(line.start + m.end(), line.end, text[m.end() :]))
                continue
            block.lines.append(line)
    for block in found:
        if block.project is not None:
            _describe(source, block.project, block.lines, prose=block.prose)
    return found


def _describe(source: Source, project: Project, lines: list[Line], prose: bool) -> None:
    """Overall goal and funds of a project, from the lines of its block before its targets."""
    unit_hint = None
    goal: list[str] = []
    in_goal = prose
    for i, line in enumerate(lines):
        text = line.text.strip()
        hint = _UNIT_HINT.search(text) if "元" in text else None  # each hint names 元
        if hint:
            unit_hint = hint.group(1) or hint.group(2)
        amount = None
        if project.amount is None:  # the first amount stated is the project's
            following = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
            amount = _AMOUNT.search(text) or _AMOUNT.search(f"{text} {following}")
        if amount:
            number = amount.group("num").replace(",", "")
            unit = amount.group("unit") or unit_hint or "万元"
            project.amount, project.amount_unit = number, unit
            project.amount_yuan = normalise_amount(number, unit)[0]
        label = _GOAL_LABEL.match(line.text)
        if label:
            in_goal = True
            goal.append(source.raw(line.start + label.start("rest"), line.end))
            continue
        if in_goal:
            stop = _GOAL_END.search(text)
            if stop:
                if prose:
                    goal.append(
                        source.raw(line.start, line.start + line.text.index(text) + stop.start())
                    )
                break
            goal.append(source.raw(line.start, line.end))
    joined = re.sub(r"\s*\n\s*", "", "".join(goal)).strip()
    if prose and "。" in joined:
        joined = joined[: joined.rindex("。") + 1]  # the sentence that leads into the targets
    project.goal = joined or None


def named_projects(source: Source) -> list[str]:
    """Projects a report names in a sentence about its performance targets, rows or not."""
    names = []
    for m in _LIST_OF_PROJECTS.finditer(source.text):
        sentence_start = max(source.text.rfind("。", 0, m.start()), 0)
        if "绩效" not in source.text[sentence_start : m.start()]:
            continue
        at = m.start("list")
        for item in m.group("list").split("、"):
            written = re.sub(r"\s+", "", source.raw(at, at + len(item))).strip("等")
            at += len(item) + 1
            if 2 <= len(written) <= 60 and written.endswith("项目"):
                names.append(written)
    return names
