"""Issue 15: bad input and faults must neither crash a run nor lose or expose anything.

Each test is a regression test for one numbered defect of the issue; the documents are the
test's own, written in the layout of a county budget's target table.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from pikg.checking.run import check
from pikg.cli import app
from pikg.errors import DocumentError, UsageError
from pikg.graph.mapping import map_extractions, serialize
from pikg.model import Unparsed
from pikg.parsing import values
from pikg.parsing.pipeline import extract_text
from pikg.reading import decode as decode_module
from pikg.reading.decode import printable, read_source, source_from_text
from pikg.reading.files import walk
from pikg.storage import release as release_module
from pikg.storage.release import release
from pikg.storage.store import Store

DOC = """安平县卫生健康局2023年部门预算

八、项目支出绩效目标表

项目名称：基层医疗设备购置
项目金额：120万元
一级指标 二级指标 三级指标 指标值
产出指标 数量指标 购置设备数量 ≥30台
产出指标 质量指标 设备验收合格率 ≥98%
产出指标 时效指标 设备到位时间 2023年10月31日前
效益指标 社会效益指标 基层诊疗能力 明显提升
满意度指标 服务对象满意度指标 患者满意度 ≥90%
"""
ROWS = ["购置设备数量", "设备验收合格率", "设备到位时间", "基层诊疗能力", "患者满意度"]

STRICT = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def strict_parse(text: str, fmt: str) -> list[ox.Quad]:
    """Every statement of ``text`` read by pyoxigraph's strict parser (no lenient mode)."""
    return list(ox.parse(text, format=STRICT[fmt]))


# ---- defect 2: any character in a name gives a valid IRI ------------------------------------

AWKWARD = ["\ufffd", "\ue000", "\U000f0001", "\ufdd0", "\uffff", "\U0001fffe", "\u200e", "\x7f"]


@pytest.mark.parametrize("char", AWKWARD, ids=[f"U+{ord(c):04X}" for c in AWKWARD])
def test_issue15_any_character_in_a_name_gives_valid_rdf(char: str) -> None:
    doc = DOC.replace("基层医疗设备购置", f"基层医疗{char}设备购置").replace(
        "患者满意度", f"患者{char}满意度"
    )
    dataset = map_extractions([extract_text(doc, "awkward.txt")])
    for fmt in STRICT:
        quads = strict_parse(serialize(dataset, fmt), fmt)
        assert len(quads) == len(dataset), fmt


# ---- defect 3: literals with line breaks in N-Triples and N-Quads ---------------------------


def test_issue15_multiline_literals_give_valid_ntriples() -> None:
    # An unread line keeps the source as written, line ends (CRLF here) and quotes included.
    result = extract_text(DOC.replace("\n", "\r\n"), "crlf.txt")
    result.unparsed.append(Unparsed('合计\r\n"共 5 项"\\', 300, 312, "基层医疗设备购置"))
    # U+2028 and U+0085 end lines for str.splitlines but not for N-Triples.
    result.unparsed.append(Unparsed("小计\u2028共 2 项\x85", 320, 328, "基层医疗设备购置"))
    dataset = map_extractions([result])
    for fmt in STRICT:
        text = serialize(dataset, fmt)
        assert len(strict_parse(text, fmt)) == len(dataset), fmt
    lines = serialize(dataset, "nq").removesuffix("\n").split("\n")
    assert lines == sorted(set(lines)) and len(lines) == len(dataset)
    assert any('"合计\\r\\n\\"共 5 项\\"\\\\"' in line for line in lines)


# ---- defect 4: decoding ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            codecs.BOM_UTF16_LE + "安平县".encode("utf-16-le") + b"\x00\xd8",
            "starts with a UTF-16 byte-order mark but is not UTF-16 from byte 8 (0x00)",
        ),
        (
            codecs.BOM_UTF8 + "安平县".encode() + b"\xff\xfe\xfd",
            "starts with a UTF-8 byte-order mark but is not UTF-8 from byte 12 (0xff)",
        ),
    ],
    ids=["utf16-lone-surrogate", "utf8-bad-byte"],
)
def test_issue15_bom_then_invalid_bytes_is_one_document_error(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        read_source(path)
    assert str(info.value).startswith(str(path)) and problem in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "variant",
    [
        lambda d: d.replace("\n", "\r"),
        lambda d: d.replace("\n", "\r\n"),
        lambda d: d.replace("\n", "\u2028"),
        lambda d: d.replace("\n", "\n\x00"),
        lambda d: "\x00".join(d),
    ],
    ids=["cr-only", "crlf", "line-separator", "nul-after-lines", "nul-between-chars"],
)
def test_issue15_line_ends_and_nul_bytes_give_the_same_rows(variant: object) -> None:
    original = DOC
    changed = variant(original)  # type: ignore[operator]
    result = extract_text(changed, "variant.txt")
    names = [row.name.replace("\x00", "") for row in result.rows]
    assert names == ROWS and result.unparsed == []
    source = source_from_text(changed)
    assert "\r" not in source.text and "\x00" not in source.text
    for row in result.rows:
        # offsets point into the decoded text as written
        assert row.name.replace("\x00", "")[:2] in changed[row.start : row.end].replace("\x00", "")


def test_issue15_a_fifo_and_a_device_are_one_error_each(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(DocumentError, match="not a regular file"):
            read_source(path)


def test_issue15_a_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(DOC * 20, encoding="utf-8")
    assert read_source(path).text
    with pytest.raises(DocumentError, match="more than --max-size 1000"):
        read_source(path, max_size=1000)


# ---- defect 6: release is byte-identical across runs -----------------------------------------

RELEASE_SCRIPT = """
import sys
from pathlib import Path
from pikg.parsing.pipeline import extract_text
from pikg.storage.release import release
from pikg.storage.store import Store
store = Store()
store.load_vocabulary()
store.load_extraction(extract_text(sys.stdin.read(), "release.txt"))
release(store, Path(sys.argv[1]))
"""


def test_issue15_release_is_byte_identical_across_processes(tmp_path: Path) -> None:
    # Each process gets another hash seed: set and dict order may not leak into the files.
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"release-{seed}"
        subprocess.run(
            [sys.executable, "-c", RELEASE_SCRIPT, str(out)],
            input=DOC,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outs.append(out)
    names = sorted(p.name for p in outs[0].iterdir())
    assert names == sorted(p.name for p in outs[1].iterdir()) and "pikg.jsonld" in names
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


# ---- defect 8: identity survives line ends and white space ----------------------------------


def test_issue15_identity_survives_line_ends_and_white_space() -> None:
    variants = [DOC, DOC.replace("\n", "\r\n"), DOC.replace("\n", "\n  "), DOC.replace(" ", "\t")]
    digests = {source_from_text(v).digest for v in variants}
    assert len(digests) == 1
    assert source_from_text(DOC.replace("≥90%", "≥95%")).digest not in digests


# ---- defect 9: every skipped path is named -----------------------------------------------------


def test_issue15_an_unreadable_subfolder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "anping.txt").write_text(DOC, encoding="utf-8")
    locked = tmp_path / "b" / "locked"
    locked.mkdir(parents=True)
    (locked / "hidden-from-us.txt").write_text(DOC, encoding="utf-8")
    real = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        # Tests run as root in CI, where chmod cannot make a folder unreadable.
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(walk([tmp_path]))
    assert items[0] == tmp_path / "a" / "anping.txt"
    assert [str(i) for i in items[1:]] == [f"{locked}: cannot be listed (Permission denied)"]
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2
    assert f"error: {locked}: cannot be listed (Permission denied)" in result.stderr


def test_issue15_an_unreadable_file_named_directly_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "anping.txt"
    path.write_text(DOC, encoding="utf-8")
    good = tmp_path / "other.txt"
    good.write_text(DOC, encoding="utf-8")

    def refuse(file: object, mode: str = "r") -> object:
        if Path(str(file)) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return open(str(file), mode)

    monkeypatch.setattr(decode_module, "open", refuse, raising=False)
    result = CliRunner().invoke(app, ["extract", str(path), str(good), "--format", "json"])
    assert result.exit_code == 2  # unreadable input, not 3 (usage)
    assert result.stderr.strip() == f"error: {path}: cannot be read (Permission denied)"
    assert '"name": "患者满意度"' in result.stdout  # the other file was still read


# ---- defect 10: values that cannot be meant as written, and escapes from documents ------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("≥½台", "½台"),  # as written: the folded form is only for matching
        ("≥1e5台", "1e5台"),
        ("≥2.5E+3台", "2.5E+3台"),
        ("2023-02-30前", "2023-02-30前"),
        ("2023年13月1日前", "2023年13月1日前"),
    ],
)
def test_issue15_impossible_values_are_a_finding_not_a_wrong_number(
    written: str, value: str
) -> None:
    result = extract_text(DOC.replace("≥30台", written), "values.txt")
    row = result.rows[0]
    assert (row.name, row.target.kind, row.target.value, row.target.value_normalized) == (
        "购置设备数量",
        "text",
        value,
        None,
    )
    report = check([result], None)
    malformed = [f for f in report.findings if f.code == "malformed-value"]
    assert len(malformed) == 1 and "购置设备数量" in malformed[0].message_en


@pytest.mark.parametrize("written", ["≥30台", "2023年2月28日前", "2024-02-29前", "≥1,500台"])
def test_issue15_possible_values_stay_as_they_were(written: str) -> None:
    row = extract_text(DOC.replace("≥30台", written), "values.txt").rows[0]
    assert row.target.kind in ("number", "date") and row.target.value_normalized is not None


def test_issue15_glued_tail_and_impossible_date_checks() -> None:
    assert values.glued_tail("1⁄2台 10", 1) == 4
    assert values.glued_tail("1e5 10", 1) == 3
    assert values.glued_tail("30台 10", 3) == 3
    assert values.impossible_date("2021-02-30") and values.impossible_date("2021年0月")
    assert not values.impossible_date("2020年2月29日") and not values.impossible_date("12月")


def test_issue15_terminal_escapes_from_documents_are_stripped(tmp_path: Path) -> None:
    evil = "\x1b]8;;https://evil.example\x07点此\x1b]8;;\x07\x1b[2J\x9b31m"
    path = tmp_path / "escapes.txt"
    path.write_text(DOC.replace("患者满意度 ≥90%", f"患者满意度{evil} <=80%"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert "患者满意度" in result.stdout
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x9b" not in stream and "\x07" not in stream
    assert printable("a\x1b[31mb\x1b]0;title\x07c\td\n") == "abc\td\n"


def test_issue15_max_size_and_a_fifo_on_the_command_line(tmp_path: Path) -> None:
    small, fifo = tmp_path / "anping.txt", tmp_path / "pipe.txt"
    small.write_text(DOC, encoding="utf-8")
    os.mkfifo(fifo)
    size = small.stat().st_size
    runner = CliRunner()
    refused = runner.invoke(
        app, ["extract", str(small), "--max-size", str(size - 1), "--jobs", "1"]
    )
    assert refused.exit_code == 2
    assert (
        refused.stderr.strip()
        == f"error: {small}: is {size} bytes, more than --max-size {size - 1}"
    )
    result = runner.invoke(app, ["check", str(fifo), str(small), "--jobs", "1"])
    assert result.exit_code == 2
    assert f"error: {fifo}: is not a regular file (a pipe, socket or device)" in result.stderr
    assert "患者满意度" in result.stdout or "conforms" in result.stdout


# ---- defect 6: a release is checked first and swapped in whole --------------------------------


@pytest.fixture
def small_store() -> Store:
    store = Store()
    store.load_vocabulary()
    store.load_extraction(extract_text(DOC, "anping.txt"))
    return store


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("option", "value"),
    [("license_url", "CC-BY"), ("base", "https://example.org/release"), ("endpoint", "ftp://x/")],
)
def test_issue15_bad_release_arguments_fail_before_anything_is_written(
    tmp_path: Path, small_store: Store, option: str, value: str
) -> None:
    out = tmp_path / "release"
    release(small_store, out)
    before = _files(out)
    with pytest.raises(UsageError, match=r"^--"):
        release(small_store, out, **{option: value})
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_issue15_a_release_that_fails_midway_leaves_the_old_one_whole(
    tmp_path: Path, small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "release"
    release(small_store, out)
    before = _files(out)

    def broken(*args: object) -> None:
        raise KeyboardInterrupt  # as when release is interrupted after the dumps

    monkeypatch.setattr(release_module, "describe", broken)
    with pytest.raises(KeyboardInterrupt):
        release(small_store, out)
    assert _files(out) == before  # the old void.ttl still describes the old dumps
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]  # no staging left


def test_issue15_release_refuses_a_folder_it_did_not_write(
    tmp_path: Path, small_store: Store
) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match=r"notes\.txt, which no release wrote"):
        release(small_store, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
