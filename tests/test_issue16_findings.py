"""Findings say where they are: document, offsets, 1-based line (issue 16); a project's
section that gives no row is a document finding (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pikg
from pikg.cli import app
from pikg.reading.decode import line_starts

runner = CliRunner()
FLAWED = Path(__file__).resolve().parent / "flawed"

# An invented target table with CRLF line ends: the first project's table has a capped
# satisfaction target (line 9); the second project's targets are only "see attachment 2".
LINES = [
    "临湘市住房和城乡建设局2024年项目支出绩效目标表",
    "（一）农村危房改造补助资金",
    "项目名称：农村危房改造补助资金",
    "主管部门：临湘市住房和城乡建设局",
    "资金情况：年度预算420万元。",
    "| 产出指标 | 数量指标 | 完成危房改造户数 | ≥140户 |",
    "| 产出指标 | 质量指标 | 改造房屋竣工验收合格率 | ≥98% |",
    "| 效益指标 | 社会效益指标 | 农户住房安全保障水平 | 持续提升 |",
    "| 满意度指标 | 服务对象满意度指标 | 改造农户满意度 | <=80% |",
    "（二）老旧小区改造补助资金",
    "项目名称：老旧小区改造补助资金",
    "（本项目绩效目标随年度预算另行公开，详见附件2。）",
    "临湘市住房和城乡建设局",
    "2024年3月1日",
]


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "linxiang_housing_2024.txt"
    path.write_bytes("".join(f"{line}\r\n" for line in LINES).encode("utf-8"))
    return path


def _start(line: int) -> int:
    """The offset where a 1-based line of LINES starts, CRLF counted as two characters."""
    return sum(len(text) + 2 for text in LINES[: line - 1])


def capped_row_start(document: Path) -> int:
    [row] = [r for r in pikg.extract(document).rows if r.name == "改造农户满意度"]
    return row.start


def test_issue16_line_numbers_count_each_kind_of_line_end_once() -> None:
    starts = line_starts("一\r\n二\r三\n四\u2028五")
    assert starts == (0, 3, 5, 7, 9)


def test_issue16_row_findings_carry_document_offsets_and_line(document: Path) -> None:
    result = runner.invoke(app, ["check", str(document), "--format", "jsonl"])
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    [capped] = [o for o in objects if o.get("name") == "改造农户满意度"]
    [finding] = capped["findings"]
    assert finding["code"] == "satisfaction-upper-bound"
    assert (finding["doc"], finding["line"]) == (str(document), 9)
    assert finding["start"] == capped["start"]
    assert _start(9) <= finding["start"] < _start(10)  # the row's cells, on line 9
    assert finding["end"] == capped["end"] and finding["text"] is None


def test_issue16_a_section_without_rows_is_a_document_finding_on_both_engines(
    document: Path,
) -> None:
    found = []
    for engine in ("sparql", "pyshacl"):
        checked = pikg.check(document, engine=engine)
        [doc] = [r for r in checked.records() if r["scope"] == "document"]
        found.append(doc["findings"])
    assert found[0] == found[1]
    [section] = found[0]
    assert section["code"] == "section-without-rows" and section["severity"] == "Warning"
    assert "老旧小区改造补助资金" in section["message"]
    assert section["line"] == 12 and section["start"] == _start(12)
    assert section["text"] == "（本项目绩效目标随年度预算另行公开，详见附件2。）"


def test_issue16_the_text_report_gives_line_and_offsets(document: Path) -> None:
    result = runner.invoke(app, ["check", str(document), "--lang", "en"])
    lines = result.stdout.splitlines()
    [capped] = [line for line in lines if "satisfaction-upper-bound" in line]
    assert f"line 9 (chars {capped_row_start(document)}-" in capped
    [section] = [line for line in lines if "section-without-rows" in line]
    assert f"line 12 (chars {_start(12)}-" in section
    assert lines[-2:] == [
        "read 1 document: 2 projects, 4 indicator rows, 0 unparsed lines",
        "1 violation, 1 warning, 0 notes; does not conform",
    ]


def test_issue16_unparsed_lines_are_findings_in_check_and_records_in_extract() -> None:
    path = str(FLAWED / "space_table_2023.txt")
    stderr_line = f"{path}:109-113: unparsed: ≥95%"
    for fmt in ("jsonl", "json"):
        checked = runner.invoke(app, ["check", path, "--format", fmt])
        objects = (
            json.loads(checked.stdout)
            if fmt == "json"
            else [json.loads(line) for line in checked.stdout.splitlines()]
        )
        assert "unparsed" not in {o["scope"] for o in objects}  # the scorer counts them as rows
        [doc] = [o for o in objects if o["scope"] == "document"]
        assert [(f["code"], f["line"], f["text"]) for f in doc["findings"]] == [
            ("unparsed-line", 7, "≥95%")
        ]
        assert stderr_line in checked.stderr.splitlines()
    extracted = runner.invoke(app, ["extract", path, "--format", "jsonl"])
    last = json.loads(extracted.stdout.splitlines()[-1])
    assert last == {"scope": "unparsed", "doc": path, "start": 109, "end": 113, "text": "≥95%"}
    assert stderr_line in extracted.stderr.splitlines()


def test_issue16_the_readme_shows_the_text_report_check_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)  # the README's paths are relative to the checkout
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    printed = runner.invoke(app, ["check", "tests/flawed"]).stdout.splitlines()
    assert [line for line in shown if line != "…"] == [line for line in printed if line in shown]
    assert shown[-3:] == printed[-3:]


@pytest.mark.parametrize(
    "args",
    [
        ["check", "examples", "--format", "ttl"],  # a format of another command
        ["check", "examples", "--severity", "fatal"],
        ["check", "examples", "--lang", "fr"],
        ["check", "examples", "--engine", "jena"],
        ["check", "examples", "--bogus"],  # click's own usage errors exit 3 too, not 2
        ["check", "examples", "--jobs", "0"],
        ["stats", "examples", "--by", "county"],
        ["nosuch"],
    ],
)
def test_issue16_an_unknown_value_or_option_is_a_usage_error(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output


def test_issue16_choices_are_matched_in_any_case() -> None:
    path = str(FLAWED / "space_table_2023.txt")
    upper = runner.invoke(app, ["check", path, "--format", "JSON", "--severity", "VIOLATION"])
    assert upper.exit_code == 0
    assert {f["severity"] for o in json.loads(upper.stdout) for f in o["findings"]} == {"Violation"}


def test_issue16_a_rule_code_parameter_is_checked(tmp_path: Path) -> None:
    path = str(FLAWED / "space_table_2023.txt")
    wrong = runner.invoke(app, ["query", "findings-by-code", path, "--param", "code=cost-flor"])
    assert wrong.exit_code == 3 and "did you mean cost-floor?" in wrong.stderr
    right = runner.invoke(
        app, ["query", "findings-by-code", path, "--param", "code=Cost-Floor", "--format", "csv"]
    )
    assert right.exit_code == 0 and "单座水库加固费用" in right.stdout


def test_issue16_validate_json_findings_use_checks_keys_and_offsets(tmp_path: Path) -> None:
    path = str(FLAWED / "space_table_2023.txt")
    ttl = tmp_path / "space.ttl"
    ttl.write_text(runner.invoke(app, ["extract", path, "--format", "ttl"]).stdout, "utf-8")
    validated = json.loads(runner.invoke(app, ["validate", str(ttl), "--format", "json"]).stdout)
    checked = json.loads(runner.invoke(app, ["check", path, "--format", "json"]).stdout)
    in_check = {(f["code"], f["start"], f["end"]) for o in checked for f in o.get("findings", [])}
    findings = validated["findings"]
    keys = {"code", "severity", "message", "doc", "start", "end", "line", "text"}
    assert findings and all(keys <= set(f) for f in findings)
    located = [f for f in findings if f["start"] is not None]
    assert len(located) >= 3
    assert all(f["doc"] == "space_table_2023.txt" for f in findings)
    assert {(f["code"], f["start"], f["end"]) for f in located} <= in_check
