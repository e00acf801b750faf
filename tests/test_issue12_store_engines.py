"""A batch of documents loaded into one store and validated whole by the compiled engine gives
the findings pySHACL gives on each document's graph on its own (issue 12: the 1M-triple
store run must find what the reference finds). The batch repeats every example in another
year, so departments and regions are shared between documents, living once in the store's
shared graph, and holds the flawed documents, so the rules fire."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from pikg import extract_file
from pikg.checking.run import check_document
from pikg.checking.validate import Finding, validate_store
from pikg.model import Extraction
from pikg.reading.decode import decode
from pikg.storage.store import SHARED_GRAPH, Store

from .conftest import EXAMPLES

HERE = Path(__file__).resolve().parent
_DEPARTMENT = ox.NamedNode("https://w3id.org/pikg/ontology#department")

Key = tuple[str, str, str, str, str]


def _batch(folder: Path) -> list[Extraction]:
    """The examples, each again a year later, and the flawed documents."""
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted((HERE / "flawed").glob("*.txt"))
    for path in sorted(EXAMPLES.glob("*.txt")):
        year = extract_file(path).facts.year
        assert year is not None, path.name
        text = decode(path.read_bytes(), str(path)).replace(str(year), str(year + 1))
        copy = folder / f"{path.stem}_next_year.txt"
        copy.write_text(text, encoding="utf-8")
        paths.append(copy)
    return [extract_file(p) for p in paths]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> list[Extraction]:
    return _batch(tmp_path_factory.mktemp("batch"))


def _keys(findings: Iterable[Finding]) -> set[Key]:
    return {(f.focus, f.code, f.severity, f.message_zh, f.message_en) for f in findings}


def test_issue12_whole_store_compiled_equals_pyshacl_per_document(
    batch: list[Extraction],
) -> None:
    store = Store()
    store.load_vocabulary()
    for result in batch:
        store.load_extraction(result, findings=False)
    # The batch shares departments: the same node, stored once, named by two documents.
    named = [
        q.object
        for q in store.store.quads_for_pattern(None, _DEPARTMENT, None)
        if isinstance(q.object, ox.NamedNode)
    ]
    assert len(named) > len(set(named))
    assert any(store.store.quads_for_pattern(named[0], None, None, SHARED_GRAPH))

    whole = _keys(validate_store(store.store))
    reference: set[Key] = set()
    per_document: set[Key] = set()
    for result in batch:
        reference |= _keys(check_document(result, engine="pyshacl").report.findings)
        per_document |= _keys(check_document(result, engine="sparql").report.findings)
    assert sorted(whole - reference) == [] and sorted(reference - whole) == []
    assert per_document == reference
    assert len({code for _, code, *_ in reference}) >= 5


def test_issue12_validate_store_in_place_reports_what_its_dump_gives(
    batch: list[Extraction], tmp_path: Path
) -> None:
    """``pikg validate --store`` reads the store in place (no dump through rdflib), with
    the same findings and places as validating the store's dump; a store whose vocabulary
    is not this pikg's ontology is validated through the dump instead."""
    from pikg.api import validate
    from pikg.checking.validate import store_report, validate_quads
    from pikg.storage.store import VOCABULARY

    store = Store(tmp_path / "store")
    store.load_vocabulary()
    for result in batch:
        store.load_extraction(result)
    store.flush()
    dumped = ox.Store()
    dumped.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store.store)
    del store
    expected = validate_quads(dumped)
    report = validate(store=tmp_path / "store")
    assert report.findings == expected.findings and len(report.findings) > 20
    assert report.places == expected.places
    assert store_report(dumped, VOCABULARY) is None  # no vocabulary graph: not in place
