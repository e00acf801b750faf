"""Issue 15's acceptance fuzz test: mutated documents through extract → map → validate → load.

Each example takes a document of the test's own, changes one indicator line (a character
from a list of awkward ones inserted, replaced or deleted) and the whole file's bytes (line
ends, encoding, byte-order mark), and asserts: no exception other than a one-line
DocumentError, every RDF output parses with pyoxigraph's strict parsers into the same
statements, the store holds them, and no row disappears without an unparsed record — each
untouched row is still a row, and the changed line is a row or an unparsed record unless
nothing readable is left on it. The run is bounded (a fixed number of derandomised
examples), well under 60 s.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pikg.checking.run import check
from pikg.errors import DocumentError
from pikg.graph.mapping import map_extractions, serialize
from pikg.parsing.pipeline import extract_file
from pikg.storage.store import Store

from .test_issue15 import DOC, STRICT

PIPES = """临泽县农业农村局2024年部门预算

七、项目支出绩效目标表

项目名称：高标准农田建设
项目金额：2,350万元
| 一级指标 | 二级指标 | 三级指标 | 指标值 |
| 产出指标 | 数量指标 | 新建高标准农田面积 | ≥1.2万亩 |
|  | 质量指标 | 工程验收合格率 | =100% |
|  | 时效指标 | 项目完工时间 | 2024年11月30日前 |
| 效益指标 | 经济效益指标 | 亩均增产粮食 | ≥50公斤 |
| 满意度指标 | 服务对象满意度指标 | 受益农户满意度 | ≥85% |
"""
DOCUMENTS = [DOC, PIPES]
AWKWARD = [
    "\ufffd", "\ue000", "\ufdd0", "\uffff", "\U0010fffd", "\x00", "\x1b[31m", "\x9b",
    "\r", "\u2028", "\x0c", "½", "e5", "1e5", '"', '"""', "\\", "<", ">", "{", "}", "%",
    "%%", "≥", "<=", "\t", "\u3000", "＜＝", "１", "　", "\ufeff", "\u200e", "2021-02-30",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le"]
LINE_ENDS = ["\n", "\r\n", "\r"]
ROW_LINE = re.compile(r"指标.*(?:[≥=<]|\d{4}年)")


def _row_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if ROW_LINE.search(line)]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, int, bytes]:
    """A document text with one indicator line changed, the changed line's index, and its
    bytes as a file."""
    base = draw(st.sampled_from(DOCUMENTS))
    lines = base.split("\n")
    index = draw(st.sampled_from(_row_lines(base)))
    line = lines[index]
    at = draw(st.integers(0, len(line)))
    char = draw(st.sampled_from(AWKWARD))
    action = draw(st.sampled_from(["insert", "replace", "delete"]))
    if action == "insert":
        line = line[:at] + char + line[at:]
    elif action == "replace":
        line = line[:at] + char + line[at + 1 :]
    else:
        line = line[:at] + line[at + 1 :]
    lines[index] = line
    text = draw(st.sampled_from(LINE_ENDS)).join(lines)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, "surrogatepass")
    if encoding == "utf-8-sig" and draw(st.booleans()):
        data += b"\xff\xfe"  # a byte-order mark, then bytes that are not UTF-8
    return text, index, data


def _names(text: str) -> set[str]:
    return {m.group() for m in re.finditer(r"[\u4e00-\u9fff]{4,}", text)}


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=mutated())
def test_issue15_mutated_documents_never_crash_nor_lose_rows(
    tmp_path: Path, case: tuple[str, int, bytes]
) -> None:
    text, changed, data = case
    path = tmp_path / "fuzzed.txt"
    path.write_bytes(data)
    try:
        result = extract_file(path)
    except DocumentError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return

    dataset = map_extractions([result])
    for fmt, syntax in STRICT.items():
        parsed = list(ox.parse(serialize(dataset, fmt), format=syntax))
        assert len(parsed) == len(dataset), fmt

    report = check([result], None)
    assert all(f.code and f.message_en for f in report.findings)

    store = Store()
    store.load_extraction(result, findings=False)
    assert len(store.store) == len(dataset)

    # No row disappears without an unparsed record.
    normal = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = " ".join(row.raw for row in result.rows) + " ".join(u.text for u in result.unparsed)
    for index, line in enumerate(normal):
        if not ROW_LINE.search(line) or index == changed:
            continue
        names = _names(line.split("指标")[-1])
        assert names and any(n in kept for n in names), (line, kept)
    touched = normal[changed] if changed < len(normal) else ""
    readable = _names(touched.split("指标")[-1])
    if readable:
        assert any(n in kept for n in readable), (touched, kept)
