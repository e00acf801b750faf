"""The knowledge graph: ontology quality gates, mapping, determinism, store, round trip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from typer.testing import CliRunner

from pikg import __version__, extract_file, extract_text, resources
from pikg.cli import app
from pikg.graph import vocab
from pikg.graph.formats import sniff_rdf
from pikg.graph.mapping import add_extraction, new_dataset, serialize
from pikg.model import Extraction
from pikg.namespace import PIK
from pikg.storage.store import Store

from .conftest import EXAMPLES, ROOT

CASES = Path(__file__).resolve().parent / "cases"
PIK_NS = str(PIK._NS)


def _graph(results: list[Extraction]) -> Graph:
    dataset = new_dataset()
    for result in results:
        add_extraction(dataset, result, __version__)
    return Graph().parse(data=serialize(dataset, "nt"), format="nt")


# ---- ontology ---------------------------------------------------------------------------


def test_a_misspelt_term_of_any_pikg_namespace_fails() -> None:
    from pikg.namespace import PIKCMP, PIKFW

    assert str(PIKFW["scheme-2021"]).endswith("/framework/scheme-2021")
    with pytest.raises(AttributeError):
        PIKFW["scheme-2016"]
    with pytest.raises(AttributeError):
        PIKCMP.greaterOrEqual  # noqa: B018


def test_namespace_module_is_generated_from_the_ontology() -> None:
    assert (ROOT / "extract" / "pikg" / "namespace.py").read_text(
        encoding="utf-8"
    ) == vocab.render()


def test_unknown_pik_terms_raise() -> None:
    with pytest.raises(AttributeError):
        _ = PIK.indicatorNmae


def test_every_term_has_zh_and_en_labels_and_a_definition() -> None:
    graph = resources.ontology_graph()
    subjects = [s for s in set(graph.subjects()) if isinstance(s, URIRef)]
    declared = [
        s
        for s in subjects
        if set(graph.objects(s, RDF.type))
        & {
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            SKOS.Concept,
            SKOS.ConceptScheme,
            PIK.Unit,
        }
    ]
    assert len(declared) > 100
    missing = []
    for term in declared:
        for props, what in (
            ((RDFS.label, SKOS.prefLabel), "label"),
            ((SKOS.definition,), "definition"),
        ):
            langs = {
                o.language for p in props for o in graph.objects(term, p) if isinstance(o, Literal)
            }
            if not {"zh", "en"} <= langs:
                missing.append((str(term), what))
    assert missing == []


def test_ontology_has_version_and_licence() -> None:
    graph = resources.ontology_graph()
    onto = URIRef("https://w3id.org/pikg/ontology")
    assert graph.value(onto, OWL.versionInfo) == Literal(__version__)
    assert graph.value(onto, OWL.versionIRI) == URIRef(
        f"https://w3id.org/pikg/ontology/{__version__}"
    )
    assert graph.value(onto, URIRef("http://purl.org/dc/terms/license")) is not None


def test_closure_every_pik_term_in_use_is_declared() -> None:
    """Brick's closure idea: data may only use pik: terms the ontology declares."""
    declared = {s for s in resources.ontology_graph().subjects() if str(s).startswith(PIK_NS)}
    data = _graph([extract_file(p) for p in sorted(EXAMPLES.glob("*.txt"))])
    used = {
        t for triple in data for t in triple if isinstance(t, URIRef) and str(t).startswith(PIK_NS)
    }
    assert used and used <= declared, used - declared


# ---- mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", sorted(p.name for p in CASES.iterdir() if (p / "expected.ttl").exists())
)
def test_golden_turtle(case: str) -> None:
    result = extract_file(CASES / case / "input.txt")
    got = _graph([result])
    expected = Graph().parse(CASES / case / "expected.ttl", format="turtle")
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in output:\n"
            + only_got.serialize(format="nt")
            + "\nonly in expected:\n"
            + only_expected.serialize(format="nt")
        )


def test_no_blank_nodes() -> None:
    data = _graph([extract_file(p) for p in sorted(EXAMPLES.glob("*.txt"))])
    assert not [t for triple in data for t in triple if t.__class__.__name__ == "BNode"]


ALL_FORMATS = """
import sys
from pathlib import Path
from pikg import __version__, extract_file
from pikg.graph.mapping import add_extraction, new_dataset, serialize
dataset = new_dataset()
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    add_extraction(dataset, extract_file(path), __version__)
for fmt in ("ttl", "nt", "nq", "trig", "jsonld"):
    sys.stdout.write(serialize(dataset, fmt) + "\\n=====\\n")
"""


def test_output_is_byte_identical_across_runs_and_hash_seeds() -> None:
    outputs = []
    for seed in ("0", "1", "4242"):
        run = subprocess.run(
            [sys.executable, "-c", ALL_FORMATS, str(EXAMPLES)],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count(b"\n=====\n") == 5 and len(outputs[0]) > 100_000


def test_jsonld_round_trips_to_the_same_graph() -> None:
    results = [extract_file(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    dataset = new_dataset()
    for result in results:
        add_extraction(dataset, result, __version__)
    from_nt = Graph().parse(data=serialize(dataset, "nt"), format="nt")
    from_jsonld = Graph().parse(data=serialize(dataset, "jsonld"), format="json-ld")
    assert isomorphic(from_nt, from_jsonld)


def test_extraction_time_only_when_asked() -> None:
    runner = CliRunner()
    path = str(EXAMPLES / "wuhou_education_2023_prose.txt")
    plain = runner.invoke(app, ["extract", path, "--format", "nt"], env={"SOURCE_DATE_EPOCH": ""})
    assert "endedAtTime" not in plain.stdout
    timed = runner.invoke(
        app, ["extract", path, "--format", "nt", "--at", "2026-01-02T03:04:05+00:00"]
    )
    assert (
        '"2026-01-02T03:04:05+00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in timed.stdout
    )


# ---- store ------------------------------------------------------------------------------

ROWS_QUERY = """
PREFIX pik: <https://w3id.org/pikg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?file ?project ?name ?l1 ?l2 ?op ?value ?unit ?kind ?raw ?start ?end WHERE {
  GRAPH ?g {
    ?t a pik:IndicatorTarget ; pik:indicatorName ?name ; pik:inDisclosure ?doc ;
       pik:valueKind ?k ; pik:rawText ?raw ; pik:startOffset ?start ; pik:endOffset ?end .
    ?doc pik:fileName ?file .
    OPTIONAL { ?t pik:project/rdfs:label ?project }
    OPTIONAL { ?t pik:valueWritten ?value }
    OPTIONAL { ?t pik:unitWritten ?unit }
  }
  ?k skos:notation ?kind .
  OPTIONAL { GRAPH ?g { ?t pik:level1 ?c1 } ?c1 skos:prefLabel ?l1 FILTER(lang(?l1) = "zh") }
  OPTIONAL { GRAPH ?g { ?t pik:level2 ?c2 } ?c2 skos:prefLabel ?l2 FILTER(lang(?l2) = "zh") }
  OPTIONAL { GRAPH ?g { ?t pik:comparator ?c } ?c skos:notation ?op FILTER(?op != "qualitative") }
}
"""


def _vocabulary_store(store: Store) -> None:
    """The ontology in the default graph, so queries can read labels and notations."""
    store.store.load(
        resources.ontology_graph().serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES
    )


def _rows_from_store(store: Store) -> set[tuple[object, ...]]:
    out = set()
    for s in store.query(ROWS_QUERY):
        values = [
            None if s[v] is None else s[v].value
            for v in ("file", "project", "name", "l1", "l2", "op", "value", "unit", "kind", "raw")
        ]
        out.add((*values, int(s["start"].value), int(s["end"].value)))
    return out


def _rows_from_extractor(results: list[Extraction]) -> set[tuple[object, ...]]:
    return {
        (
            Path(r.doc).name,
            r.project,
            r.name,
            r.level1.canonical if r.level1 else None,
            r.level2.canonical if r.level2 else None,
            r.target.operator,
            r.target.value,
            r.target.unit,
            r.target.kind,
            r.raw,
            r.start,
            r.end,
        )
        for result in results
        for r in result.rows
    }


def _round_trip(paths: list[Path], tmp_path: Path) -> None:
    results = [extract_file(p) for p in paths]
    store = Store(tmp_path / "store")
    for result in results:
        store.load_extraction(result)
    _vocabulary_store(store)
    assert _rows_from_store(store) == _rows_from_extractor(results)


def test_round_trip_examples(tmp_path: Path) -> None:
    _round_trip(sorted(EXAMPLES.glob("*.txt")), tmp_path)


def test_round_trip_seeds(shared: Path, tmp_path: Path) -> None:
    _round_trip(sorted((shared / "seeds").glob("*.txt")), tmp_path)


def test_loading_again_replaces_the_graph(tmp_path: Path) -> None:
    runner = CliRunner()
    store_dir = str(tmp_path / "store")
    first = runner.invoke(app, ["load", str(EXAMPLES), "--store", store_dir])
    again = runner.invoke(app, ["load", str(EXAMPLES), "--store", store_dir])
    assert first.exit_code == again.exit_code == 0
    assert first.stdout == again.stdout
    triples = int(first.stdout.split()[0])
    assert triples == Store(tmp_path / "store").count() > 1000
    assert " in 6 graphs " in first.stdout


def test_a_changed_mapping_of_the_same_document_replaces_stale_triples(tmp_path: Path) -> None:
    text = (EXAMPLES / "zunyi_agriculture_2024_lists.txt").read_text(encoding="utf-8")
    store = Store(tmp_path / "store")
    result = extract_text(text, "zunyi.txt")
    store.load_extraction(result)
    before = store.count()
    result.rows = result.rows[:3]  # the same document, mapped with fewer rows
    store.load_extraction(result)
    assert store.count() < before
    assert [g.rsplit("/", 1)[1] for g in store.graphs()] == ["findings", "graph"]  # one document


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_rdf_files_load_by_content_not_extension(tmp_path: Path, fmt: str) -> None:
    result = extract_file(EXAMPLES / "yichang_health_2022_cells.txt")
    dataset = new_dataset()
    add_extraction(dataset, result, __version__)
    path = tmp_path / "data.txt"  # a misleading extension on purpose
    path.write_text(serialize(dataset, fmt), encoding="utf-8")
    assert sniff_rdf(path.read_text(encoding="utf-8")) == fmt
    store = Store(tmp_path / "store")
    store.load_extraction(result)
    count = store.count()
    store.load_rdf(path)
    assert store.count() == count and len(store.graphs()) == 1


def test_a_text_document_is_not_taken_for_rdf() -> None:
    assert (
        sniff_rdf((EXAMPLES / "wuhou_education_2023_prose.txt").read_text(encoding="utf-8")) is None
    )


def test_issue16_json_lines_of_findings_are_not_taken_for_json_ld() -> None:
    expected = (Path(__file__).resolve().parent / "flawed" / "expected.jsonl").read_text(
        encoding="utf-8"
    )
    assert sniff_rdf(expected) is None
    assert sniff_rdf('[{"a": 1}]') is None
    assert sniff_rdf('{\n  "@context": {"pik": "https://w3id.org/pikg/"}, "@id": "pik:x"}') == (
        "jsonld"
    )
