"""``pikg release``: dumps, VoID + DCAT checked against the release shape, JSON-LD round trip."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyshacl
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from pikg import extract_file
from pikg.checking.validate import release_shapes
from pikg.storage.release import release
from pikg.storage.store import Store

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = Store()
    store.load_vocabulary()
    for path in sorted(EXAMPLES.glob("*.txt")):
        store.load_extraction(extract_file(path))
    out = tmp_path_factory.mktemp("release")
    release(store, out, endpoint="http://127.0.0.1:8000/sparql")
    return out


def test_release_files(released: Path) -> None:
    names = sorted(p.name for p in released.iterdir())
    assert names == [
        "context.jsonld",
        "ontology.html",
        "ontology.ttl",
        "pikg.jsonld",
        "pikg.nq.gz",
        "pikg.ttl",
        "void.ttl",
    ]
    assert "pik:IndicatorTarget" in (released / "ontology.html").read_text(
        encoding="utf-8"
    ) or "IndicatorTarget" in (released / "ontology.html").read_text(encoding="utf-8")


def test_void_conforms_to_the_dcat_shape(released: Path) -> None:
    void = Graph().parse(released / "void.ttl")
    conforms, _, text = pyshacl.validate(void, shacl_graph=release_shapes())
    assert conforms, text
    assert (
        None,
        URIRef("http://rdfs.org/ns/void#sparqlEndpoint"),
        URIRef("http://127.0.0.1:8000/sparql"),
    ) in void


def test_a_void_without_licence_fails_the_shape(released: Path) -> None:
    void = Graph().parse(released / "void.ttl")
    void.remove((None, DCTERMS.license, None))
    conforms, report, _ = pyshacl.validate(void, shacl_graph=release_shapes())
    assert not conforms
    paths = set(report.objects(None, URIRef("http://www.w3.org/ns/shacl#resultPath")))
    assert paths == {DCTERMS.license}


def test_jsonld_dump_round_trips_to_the_nquads_graph(released: Path) -> None:
    quads = Dataset()
    quads.parse(
        data=gzip.decompress((released / "pikg.nq.gz").read_bytes()).decode("utf-8"),
        format="nquads",
    )
    union = Graph()
    for s, p, o, _ in quads.quads((None, None, None, None)):
        union.add((s, p, o))
    document = json.loads((released / "pikg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == "context.jsonld"
    from_jsonld = Graph().parse(released / "pikg.jsonld", format="json-ld")
    assert len(union) > 1000 and isomorphic(union, from_jsonld)
    assert isomorphic(union, Graph().parse(released / "pikg.ttl"))


def test_release_is_byte_identical(released: Path, tmp_path: Path) -> None:
    store = Store()
    store.load_vocabulary()
    for path in sorted(EXAMPLES.glob("*.txt")):
        store.load_extraction(extract_file(path))
    release(store, tmp_path, endpoint="http://127.0.0.1:8000/sparql")
    for name in ("pikg.nq.gz", "pikg.ttl", "pikg.jsonld", "void.ttl", "ontology.html"):
        assert (tmp_path / name).read_bytes() == (released / name).read_bytes(), name
