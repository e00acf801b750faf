"""Document facts: department, region, budget year and kind of report."""

from __future__ import annotations

import re
from collections import Counter

from pikg.model import DocKind, DocumentFacts
from pikg.parsing.regions import region_of
from pikg.reading.decode import Source

_ORG_BODY = r"[\u4e00-\u9fff]{2,24}?(?:委员会|办公室|局|厅|委|中心|院|站|所|馆|处|队|部|会)"
_LABELLED = re.compile(
    rf"(?:单位名称|部门名称|预算单位|部门\(单位\)名称)\s*[:：|]?\s*(?P<org>{_ORG_BODY})"
)
_LINE_START_ORG = re.compile(rf"^\s*(?P<org>{_ORG_BODY})(?![\u4e00-\u9fff]{{0,2}}(?:长|主任))")
_YEAR = re.compile(r"(?P<y>20\d{2})\s*年度?[^。\n]{0,24}?(?:预算|决算|绩效目标|绩效自评)")
_TITLE_LINES = 15


def _title(source: Source) -> str:
    lines = [ln.strip() for ln in source.text.split("\n") if ln.strip()]
    return "".join(lines[:_TITLE_LINES])


def department_of(source: Source) -> str | None:
    labelled = _LABELLED.search(source.text)
    if labelled:
        return labelled.group("org")
    counts: Counter[str] = Counter()
    lines = [ln for ln in source.text.split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        m = _LINE_START_ORG.match(line)
        if m and "关于" not in m.group("org"):
            # Title lines weigh more than the body's mentions.
            counts[m.group("org")] += 5 if i < _TITLE_LINES else 1
    if not counts:
        return None
    best, _ = max(counts.items(), key=lambda kv: (kv[1], source.text.count(kv[0])))
    return best


def year_of(source: Source) -> int | None:
    title = _title(source)
    m = _YEAR.search(title)
    if m:
        return int(m.group("y"))
    counts = Counter(int(m.group("y")) for m in _YEAR.finditer(source.text))
    return counts.most_common(1)[0][0] if counts else None


def kind_of(source: Source) -> DocKind:
    title = _title(source)
    if "决算" in title:
        return "final-accounts"
    if "批复" in title:
        return "approval"
    if "自评" in title or "实际完成值" in source.text:
        return "self-evaluation"
    if "绩效目标表" in title and "部门预算" not in source.text:
        return "target-table"
    return "budget"


def read_facts(source: Source) -> DocumentFacts:
    department = department_of(source)
    regions = region_of(department, source.text) if department else []
    return DocumentFacts(
        department=department,
        region=[name for _, name in regions],
        region_codes=[code for code, _ in regions],
        year=year_of(source),
        kind=kind_of(source),
    )
