"""Indicator rows out of one project's block of lines, in every layout the disclosures use.

Three readers share one row builder:
- prose paths  `产出指标-数量指标-名称（≥7225 人）；` over the block's lines joined, so that
  text wrapped mid-word reads whole;
- bare lists   `名称≥373.87万人;名称≤700元;` where each item stands alone (levels glued to an
  item apply to that item only);
- tables       one logical row a line, or one cell a line, with level cells carried down,
  separators of any kind (spaces, `|`, tabs, none), and the columns a header names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from pikg.model import IndicatorRow, Unparsed
from pikg.parsing import framework as framework_module
from pikg.parsing import values
from pikg.parsing.framework import Framework, Level
from pikg.parsing.segment import infer_levels
from pikg.parsing.targets import NUMBER, PRE_WORD, SYMBOL, locate, parse_target, split_value, units
from pikg.reading.decode import Source

_SEPARATORS = re.compile(r"[|\t]")
_PAGE_LINE = re.compile(
    r"^\s*[-—－]*\s*(?:第\s*\d+\s*页(?:\s*[,，/共]\s*\d+\s*页)?|\d{1,3})\s*[-—－]*\s*$"
)
_VALUE_START = re.compile(rf"^\s*(?:(?:{SYMBOL})|(?:{PRE_WORD})\s*\d|\d)")
_DIRECTION = re.compile(r"\s+(正向|反向|正向指标|反向指标|定量|定性)$")
_LEADING_ENUM = re.compile(r"^(?:\d+[、.．)）]|[(（]\d+[)）]|[①-⑳])\s*")
_NAME_TRIM = " :：、,，;；。-—"
_DASH = r"\s*[-—–－~]+\s*"
_TOTALS = {"总分", "合计", "小计", "总计", "得分合计"}
_HINT_LINE = re.compile(r"^\s*(?:项目)?绩效指标\s*[:：]?\s*$")

HEADER_TERMS = {
    "一级指标": "l1", "二级指标": "l2", "三级指标": "name", "指标名称": "name",
    "年度指标值": "value", "指标值": "value", "目标值": "value", "年度目标值": "value",
    "指标目标值": "value", "预期目标值": "value", "标准值": "value",
    "计算符号": "op", "运算符号": "op", "指标性质": "op",
    "度量单位": "unit", "计量单位": "unit", "单位": "unit",
    "分值": "weight", "权重": "weight", "指标分值": "weight", "得分": "score",
    "实际完成值": "actual", "全年实际值": "actual", "实际值": "actual", "完成值": "actual",
    "指标方向": "direction", "方向": "direction",
    "偏差原因分析及改进措施": "reason", "偏差原因": "reason", "未完成原因": "reason",
}  # fmt: skip
_HEADER_TERM = re.compile("|".join(sorted(map(re.escape, HEADER_TERMS), key=len, reverse=True)))


@dataclass
class Line:
    start: int
    end: int
    text: str


@dataclass
class Pending:
    """A table row being assembled from one or more lines."""

    l1: Level | None
    l2: Level | None
    name: list[tuple[int, int]] = field(default_factory=list)
    value: list[tuple[int, int]] = field(default_factory=list)
    label: str | None = None  # the level name standing as the row's name (unnamed rows)
    direction: str | None = None


@dataclass
class BlockParser:
    source: Source
    framework: Framework
    scheme: str
    year: int | None
    project: str | None
    rows: list[IndicatorRow] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    cell_per_line: bool = False
    l1: Level | None = None
    l2: Level | None = None
    pending: Pending | None = None
    in_table: bool = False
    header_run: int = 0
    text: str = ""  # the source's normalised text with cell separators as spaces

    def __post_init__(self) -> None:
        self.text = _SEPARATORS.sub(" ", self.source.text)

    # ---- entry point ------------------------------------------------------------------

    def parse(self, lines: list[Line]) -> None:
        consumed = self._paths(lines)
        for line in lines:
            if line.start in consumed or not line.text.strip():
                continue
            self._line(line)
        self._flush()

    # ---- shared row builder --------------------------------------------------------------

    def _emit(
        self,
        l1: Level | None,
        l2: Level | None,
        name_spans: list[tuple[int, int]],
        value_spans: list[tuple[int, int]],
        extent: tuple[int, int],
        label: str | None = None,
        direction: str | None = None,
    ) -> None:
        src = self.source
        name = "".join(
            _SEPARATORS.sub("", re.sub(r"\s+", "", src.raw(a, b))) for a, b in name_spans
        )
        name = _LEADING_ENUM.sub("", name).strip(_NAME_TRIM)
        value_text, positions = self._joined(value_spans)
        if name in _TOTALS:
            return  # 总分 / 合计: the sum line of a self-evaluation, not an indicator
        if not name and label:
            name = label
        if not name:
            self._unparsed(extent)
            return
        _, cut = split_value(value_text) if value_text else (0, 0)
        target = parse_target(value_text[:cut], name, self.year)
        cut, target = values.checked(value_text, cut, target)
        tail = [
            (m.group(), positions[cut + m.start()], positions[cut + m.end() - 1] + 1)
            for m in re.finditer(r"\S+", value_text[cut:])
        ]
        extra = self._columns_after_value(tail)
        direction = extra.get("direction") or direction
        if target.kind == "empty" and (len(name) > 40 or re.search(r"[。,，]", name)):
            self._unparsed(extent)
            return
        if l2 is not None and l1 is None:
            l1 = self.framework.parent(l2)
        source_kind = "stated" if l1 or l2 else "unknown"
        if l1 is None and l2 is None:
            l1, l2 = infer_levels(name, target.unit, self.framework, self.scheme)
            source_kind = "inferred" if l1 else "unknown"
        a, b = src.span(*extent)
        self.rows.append(
            IndicatorRow(
                doc=src.path,
                project=self.project,
                level1=l1.label if l1 else None,
                level2=l2.label if l2 else None,
                level_source=source_kind,  # type: ignore[arg-type]
                name=name,
                operator=target.operator,
                operator_written=target.operator_written,
                value=target.value,
                unit=target.unit,
                value_normalized=target.value_normalized,
                unit_normalized=target.unit_normalized,
                kind=target.kind,  # type: ignore[arg-type]
                actual=extra.get("actual"),
                raw=re.sub(r"\s*\n\s*", "", src.original[a:b]),
                start=a,
                end=b,
                scheme=self.scheme,
                direction=direction,
                weight=extra.get("weight"),
                score=extra.get("score"),
                deviation_reason=extra.get("reason"),
            )
        )

    def _unparsed(self, extent: tuple[int, int]) -> None:
        a, b = self.source.span(*extent)
        text = self.source.original[a:b]
        if text.strip():
            self.unparsed.append(Unparsed(text=text, start=a, end=b, project=self.project))

    def _joined(self, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
        """The text of spans joined by a space, with each character's source position."""
        text: list[str] = []
        positions: list[int] = []
        for a, b in spans:
            piece = self.text[a:b]
            if text:
                text.append(" ")
                positions.append(positions[-1])
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            text.append(piece)
            positions.extend(range(a + lead, a + lead + len(piece)))
        return "".join(text), positions

    def _columns_after_value(self, tail: list[tuple[str, int, int]]) -> dict[str, str]:
        """Map what follows the target to the header's later columns, by what each accepts.

        Values come back as written (``tail`` holds each chunk's source span).
        """
        if not tail or "value" not in self.columns:
            return {}
        after = self.columns[self.columns.index("value") + 1 :]
        spans: dict[str, tuple[int, int]] = {}
        i = 0
        for chunk, a, b in tail:
            while i < len(after):
                column = after[i]
                if column == "reason":
                    start = spans["reason"][0] if "reason" in spans else a
                    spans["reason"] = (start, b)  # the reason takes all that is left
                    break
                i += 1
                if _accepts(column, chunk):
                    spans[column] = (a, b)
                    break
        return {
            column: re.sub(r"\s*\n\s*", "", self.source.raw(a, b)).strip()
            for column, (a, b) in spans.items()
        }

    # ---- prose paths ---------------------------------------------------------------------

    def _paths(self, lines: list[Line]) -> set[int]:
        """Rows written as 一级-二级-名称（目标）, read across wrapped lines; the lines used."""
        pieces: list[str] = []
        index: list[int] = []
        for line in lines:
            text = line.text.strip()
            offset = line.start + line.text.index(text) if text else line.start
            pieces.append(text)
            index.extend(range(offset, offset + len(text)))
        joined = "".join(pieces)
        matches = list(_path_pattern().finditer(joined))
        if not matches:
            return set()
        consumed_until = 0
        for i, m in enumerate(matches):
            stop = matches[i + 1].start() if i + 1 < len(matches) else len(joined)
            sep = re.compile(r"[;；。]").search(joined, m.end(), stop)
            end = sep.start() if sep else stop
            content = joined[m.end() : end]
            l1 = self._level(m.group("l1"), None, False)
            l2 = self._level(m.group("l2"), l1, True) if m.group("l2") else None
            name_end, value_at, value_end = _split_path_content(content)
            self._emit(
                l1,
                l2,
                _runs(index[m.end() : m.end() + name_end]),
                _runs(index[m.end() + value_at : m.end() + value_end]),
                (index[m.start()], index[end - 1] + 1),
            )
            consumed_until = end
            # Text between this row and the next path is something the parser could not read.
            if i + 1 < len(matches):
                gap = joined[end:stop].strip(" ;；。")
                if gap:
                    g0 = joined.index(gap, end)
                    self._unparsed((index[g0], index[g0 + len(gap) - 1] + 1))
        first, last = index[matches[0].start()], index[consumed_until - 1]
        return {ln.start for ln in lines if ln.end > first and ln.start <= last}

    def _level(self, label: str, current: Level | None, l1_on_line: bool) -> Level | None:
        candidates = self.framework.lookup(label)
        if not candidates:
            return None
        return self.framework.resolve(candidates, self.scheme, current, l1_on_line)

    # ---- lines: tables and bare lists -----------------------------------------------------

    def _line(self, line: Line) -> None:
        text = self.text[line.start : line.end]
        if _PAGE_LINE.match(text):
            return
        if self._header(text):
            return
        if _HINT_LINE.match(text):
            self.in_table = True
            return
        self.header_run = 0
        if not self.in_table:
            if self._list(line, text):
                return
            if not self._starts_with_level(text):
                return  # narrative outside any indicator table
            self.in_table = True
        self._table_line(line, text)

    def _header(self, text: str) -> bool:
        cells = text.split()
        kinds = []
        for cell in cells:
            bare = re.sub(r"[(（].*?[)）]|[(（].*$", "", cell)
            m = _HEADER_TERM.match(bare)
            if m is None or len(bare) > len(m.group()) + 2:
                return self._header_continuation(text)
            kinds.append(HEADER_TERMS[m.group()])
        if not kinds or (len(kinds) == 1 and self.header_run == 0 and kinds[0] != "l1"):
            return False
        self._flush()
        if self.header_run:
            self.columns.extend(kinds)
            self.cell_per_line = True
        else:
            self.columns = kinds
            self.cell_per_line = len(kinds) == 1
        self.header_run += 1
        self.in_table = True
        self.l1 = self.l2 = None
        return True

    def _header_continuation(self, text: str) -> bool:
        """`字描述）`: the end of a header cell wrapped onto the next line."""
        return bool(
            self.header_run
            and text.strip().endswith(("）", ")"))
            and not re.search(r"[(（]", text)
            and locate(text) is None
            and len(text.strip()) <= 12
        )

    def _starts_with_level(self, text: str) -> bool:
        first = text.split()[0] if text.split() else ""
        return any(lv.depth == 1 for lv in self.framework.lookup(first))

    def _list(self, line: Line, text: str) -> bool:
        """A line of `name target` items separated by ; — rows only if every item reads."""
        items = []
        for m in re.finditer(r"[^;；。]+", text):
            if m.group().strip():
                items.append((line.start + m.start(), line.start + m.end()))
        parsed = []
        for a, b in items:
            item = self.text[a:b]
            levels, rest_at, label = self._strip_levels(item, glued=True)
            rest = item[rest_at:]
            at = 0 if label and _is_target_only(rest) else locate(rest)
            if at is None or re.search(r"[,，。:：]", rest[:at]) or len(rest[:at].strip()) > 60:
                return False
            if len(items) == 1 and not re.match(rf"\s*(?:{SYMBOL}|{PRE_WORD})", rest[at:]):
                return False  # one item with no comparison: a field of the form, not a target
            parsed.append((a, b, levels, rest_at, at, label))
        if not parsed:
            return False
        for a, b, levels, rest_at, at, label in parsed:
            l1 = next((lv for lv in levels if lv.depth == 1), None)
            l2 = next((lv for lv in levels if lv.depth == 2), None)
            name_a = a + rest_at
            self._emit(l1, l2, [(name_a, name_a + at)], [(name_a + at, b)], (a, b), label)
        return True

    def _strip_levels(self, text: str, glued: bool) -> tuple[list[Level], int, str | None]:
        """Level cells at the start of a line: at most one 一级 then one 二级."""
        levels: list[Level] = []
        pos = 0
        label = None
        current = self.l1
        while len(levels) < 2:
            m = re.match(r"\s*", text[pos:])
            start = pos + (m.end() if m else 0)
            cell_end = start
            while cell_end < len(text) and not text[cell_end].isspace():
                cell_end += 1
            candidates = self.framework.lookup(text[start:cell_end])
            end = cell_end
            if not candidates and glued:
                for glued_label in self.framework.glued:
                    if text.startswith(glued_label, start):
                        candidates, end = (
                            self.framework.lookup(glued_label),
                            start + len(glued_label),
                        )
                        break
            if not candidates:
                break
            l1_on_line = any(lv.depth == 1 for lv in levels)
            level = self.framework.resolve(candidates, self.scheme, current, l1_on_line)
            if levels and level.depth <= levels[-1].depth:
                break
            levels.append(level)
            label = re.sub(r"\s+", "", text[start:end])
            current = level if level.depth == 1 else current
            pos = end
        return levels, pos, label

    def _table_line(self, line: Line, text: str) -> None:
        levels, pos, label = self._strip_levels(text, glued=True)
        rest = text[pos:]
        body = rest.strip()
        at = line.start + pos + (len(rest) - len(rest.lstrip()))
        if levels:
            self._flush()
            for level in levels:
                if level.depth == 1:
                    self.l1, self.l2 = level, None
                else:
                    self.l2 = level
                    if self.l1 is None or level.broader != self.l1.key:
                        self.l1 = self.framework.parent(level)
        if not body:
            return
        end = line.start + len(text.rstrip())
        if _is_target_only(body):
            if self.pending is not None and self.pending.name:
                self.pending.value.append((at, end))
            elif levels and label:
                self.pending = Pending(self.l1, self.l2, label=label, value=[(at, end)])
                self._flush()
            else:
                self._unparsed((at, end))
            return
        split = locate(body)
        if split is not None:
            name_end = at + split
            named = self.pending is not None and self.pending.name and not self.pending.value
            if named and not levels and not self.cell_per_line:
                assert self.pending is not None
                self.pending.name.append((at, name_end))  # a name wrapped over lines
            else:
                self._flush()
                self.pending = Pending(self.l1, self.l2, name=[(at, name_end)])
            self._add_value(name_end, end)
            if not self.cell_per_line:
                self._flush()
            return
        self._text_cell(at, end, body)

    def _add_value(self, start: int, end: int) -> None:
        assert self.pending is not None
        text = self.text[start:end]
        direction = _DIRECTION.search(self.text[self.pending.name[-1][0] : start].rstrip())
        if direction:
            a = self.pending.name[-1][0]
            self.pending.name[-1] = (a, a + direction.start())
            self.pending.direction = direction.group(1)
        self.pending.value.append((start + len(text) - len(text.lstrip()), end))

    def _text_cell(self, at: int, end: int, body: str) -> None:
        """A line with no target: a name, a wrapped name, or a qualitative value."""
        pending = self.pending
        chunks = body.split()
        if pending is not None and pending.name and not pending.value:
            if self.cell_per_line:
                pending.value.append((at, end))
            else:
                pending.name.append((at, end))
            return
        if (
            pending is not None
            and pending.value
            and self.cell_per_line
            and _extra_text(self.columns)
        ):
            pending.value.append((at, end))
            return
        self._flush()
        if len(chunks) >= 2 and "value" in self.columns and not self.cell_per_line:
            first = re.search(r"\s+", body).end()  # type: ignore[union-attr]
            self.pending = Pending(self.l1, self.l2, name=[(at, at + first)])
            self.pending.value.append((at + first, end))
            self._flush()
            return
        if len(body) > 40 or re.search(r"[。]", body):
            self.in_table = False  # narrative after the table
            return
        self.pending = Pending(self.l1, self.l2, name=[(at, end)])

    def _flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        spans = pending.name + pending.value
        extent = (min(a for a, _ in spans), max(b for _, b in spans))
        self._emit(
            pending.l1,
            pending.l2,
            pending.name,
            pending.value,
            extent,
            pending.label,
            pending.direction,
        )


def _is_target_only(text: str) -> bool:
    """A line that is a target and nothing else: `≥ 2 次`, `=100%`, `2021年12月31日前`.

    Not `65岁及以上老年人健康管理人数`, a name that happens to open with a number.
    """
    if not _VALUE_START.match(text) or locate(text) is not None:
        return False
    if re.match(rf"\s*(?:{SYMBOL}|{PRE_WORD})", text):
        return True
    _, cut = split_value(text)
    rest = text[cut:].split()
    return parse_target(text[:cut]).kind in ("number", "date") and all(
        re.fullmatch(NUMBER, r) or r in units() for r in rest
    )


def _accepts(column: str, chunk: str) -> bool:
    if column == "unit":
        return chunk in units()
    if column in ("weight", "score"):
        return re.fullmatch(NUMBER, chunk) is not None
    if column == "direction":
        return chunk in ("正向", "反向", "正向指标", "反向指标")
    if column == "op":
        return re.fullmatch(SYMBOL, chunk) is not None
    return column == "actual"


def _extra_text(columns: list[str]) -> bool:
    return "value" in columns and any(c in ("actual", "reason") for c in columns)


def _split_path_content(content: str) -> tuple[int, int, int]:
    """`名称（≥7225 人）` → (length of the name, start and end of the target text)."""
    m = re.search(r"[(（]([^()（）]*)[)）]\s*$", content)
    if m and (locate("x" + m.group(1)) is not None or _VALUE_START.match(m.group(1))):
        return len(content[: m.start()].rstrip()), m.start(1), m.end(1)
    at = locate(content)
    if at is None:
        return len(content.rstrip()), len(content), len(content)
    return len(content[:at].rstrip(" :：")), at, len(content)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Contiguous source spans of a run of positions (text joined across lines)."""
    spans: list[tuple[int, int]] = []
    for p in positions:
        if spans and spans[-1][1] == p:
            spans[-1] = (spans[-1][0], p + 1)
        else:
            spans.append((p, p + 1))
    return spans


@cache
def _path_pattern() -> re.Pattern[str]:
    fw = framework_module.load()
    return re.compile(rf"(?P<l1>{fw.alternation(1)}){_DASH}(?:(?P<l2>{fw.alternation(2)}){_DASH})?")
