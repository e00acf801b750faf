"""One schema for the records every command prints, published as JSON Schema (issue 16)."""

from __future__ import annotations

import json

import jsonschema
from typer.testing import CliRunner

from pikg import resources
from pikg.cli import app

from .conftest import EXAMPLES, ROOT

runner = CliRunner()
SCHEMA = json.loads(resources.data("records.schema.json").read_text(encoding="utf-8"))


def _validate(objects: list[dict[str, object]]) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems = [f"{o.get('scope')}: {e.message}" for o in objects for e in validator.iter_errors(o)]
    assert problems == []


def test_issue16_check_and_extract_print_the_published_schema() -> None:
    flawed = str(ROOT / "tests" / "flawed")
    no_rows = str(ROOT / "tests" / "cases" / "headerless_pipe_table" / "input.txt")
    scopes = {"check": {"row", "document"}, "extract": {"row", "unparsed"}}
    for command, expected in scopes.items():
        result = runner.invoke(app, [command, flawed, no_rows, "--format", "jsonl"])
        objects = [json.loads(line) for line in result.stdout.splitlines()]
        assert {o["scope"] for o in objects} == expected
        _validate(objects)
    as_json = runner.invoke(app, ["check", str(EXAMPLES), "--format", "json"])
    _validate(json.loads(as_json.stdout))


def test_issue16_the_schema_rejects_a_record_of_another_shape() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    finding = {"code": "unparsed-line", "severity": "Warning", "message": "…", "doc": "a.txt"}
    located = {**finding, "start": 3, "end": 7, "line": 2, "text": "≥≥"}
    assert validator.is_valid({"scope": "document", "doc": "a.txt", "findings": [located]})
    assert not validator.is_valid({"scope": "document", "doc": "a.txt", "findings": [finding]})
    assert not validator.is_valid({"scope": "row", "doc": "a.txt"})
    assert not validator.is_valid(
        {"scope": "unparsed", "doc": "a.txt", "start": 0, "end": 3, "text": "x", "extra": 1}
    )
