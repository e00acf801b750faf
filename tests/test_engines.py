"""The compiled SPARQL engine against pySHACL, the reference: identical findings (focus, code,
severity, message) on every test document, and shapes the compiler cannot translate left to
pySHACL, saying so (issue 12)."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from pikg import extract_file
from pikg.checking.compiled import compile_shapes
from pikg.checking.validate import shapes_graph, validate
from pikg.graph.mapping import map_extractions, triples

from .conftest import EXAMPLES

HERE = Path(__file__).resolve().parent
TEXT_DOCUMENTS = (
    sorted(EXAMPLES.glob("*.txt"))
    + sorted((HERE / "flawed").glob("*.txt"))
    + sorted((HERE / "cases").glob("*/input.txt"))
)
RDF_DOCUMENTS = sorted((HERE / "shapes").glob("*/*.ttl"))


def _data(path: Path) -> list[tuple[Node, Node, Node]]:
    if path.suffix == ".ttl":
        return list(Graph().parse(path, format="turtle"))
    return triples(map_extractions([extract_file(path)]))


def _findings(
    data: list[tuple[Node, Node, Node]], engine: str, floor: Decimal | None = None
) -> list[tuple[str, str, str, str, str]]:
    report = validate(data, floor, engine)
    return sorted(
        (f.focus, f.code, f.severity, f.message_zh, f.message_en) for f in report.findings
    )


def _same(path: Path, floor: Decimal | None = None) -> list[tuple[str, str, str, str, str]]:
    data = _data(path)
    compiled = _findings(data, "sparql", floor)
    assert compiled == _findings(data, "pyshacl", floor), path.name
    return compiled


def test_every_rule_shape_compiles() -> None:
    rules = compile_shapes(shapes_graph())
    assert rules.fallback == {} and rules.fallback_graph is None
    shapes = {str(s) for s in shapes_graph().subjects(RDF.type, SH.NodeShape)}
    assert {s.code for s in rules.shapes} == shapes


@pytest.mark.parametrize("path", TEXT_DOCUMENTS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_engines_agree_on_test_documents(path: Path) -> None:
    _same(path)


def test_engines_agree_on_flawed_documents_with_findings() -> None:
    """The flawed documents are where the rules fire: both engines must find them."""
    found = [f for path in sorted((HERE / "flawed").glob("*.txt")) for f in _same(path)]
    assert len({code for _, code, _, _, _ in found}) >= 5


@pytest.mark.parametrize("path", RDF_DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_engines_agree_on_shape_cases(path: Path) -> None:
    _same(path)


def test_engines_agree_with_a_satisfaction_floor() -> None:
    found = _same(HERE / "shapes" / "satisfaction-floor-low" / "valid.ttl", Decimal(85))
    assert [code for _, code, *_ in found] == ["satisfaction-floor-low"]


def test_engines_agree_on_shared_documents(shared: Path) -> None:
    paths = sorted((shared / "seeds").glob("*.txt")) + sorted(
        (shared / "devset" / "raw").glob("*.txt")
    )
    assert paths
    for path in paths:
        _same(path)


NOT_COMPILED = """
@prefix ex: <https://example.org/> .
@prefix pik: <https://w3id.org/pikg/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
ex:not-a-project a sh:NodeShape ;
    sh:targetNode ex:r1 ;
    sh:class pik:Project ;
    sh:severity sh:Warning ;
    sh:message "不是项目。"@zh, "It is not a project at all."@en .
"""


def test_a_shape_the_compiler_cannot_translate_runs_on_pyshacl_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    shapes = Graph().parse(data=NOT_COMPILED, format="turtle")
    shapes += shapes_graph()
    rules = compile_shapes(shapes)
    assert list(rules.fallback) == ["https://example.org/not-a-project"]
    assert "shacl#class" in rules.fallback["https://example.org/not-a-project"]
    data = _data(HERE / "shapes" / "empty-target" / "invalid.ttl")
    with caplog.at_level(logging.WARNING, logger="pikg.checking"):
        compiled = validate(data, engine="sparql", shapes=shapes).findings
    assert "not-a-project runs on pySHACL" in caplog.text
    reference = validate(data, engine="pyshacl", shapes=shapes).findings
    assert compiled == reference
    assert sorted((f.code, f.severity) for f in compiled) == [
        ("empty-target", "Violation"),
        ("https://example.org/not-a-project", "Warning"),
    ]
