"""Named SPARQL queries: headers, documentation, and expected results on fixture data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pikg import extract_file
from pikg.cli import app
from pikg.errors import QueryError
from pikg.storage.sparql import _value, named, render, resolve, run_on_store
from pikg.storage.store import Store

from .conftest import EXAMPLES, ROOT

HERE = Path(__file__).resolve().parent
FIXTURE_DOCS = sorted(EXAMPLES.glob("*.txt")) + sorted((HERE / "flawed").glob("*.txt"))
PARAMS: dict[str, dict[str, str]] = json.loads(
    (HERE / "queries" / "params.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def fixture_store() -> Store:
    store = Store()
    store.load_vocabulary()
    for path in FIXTURE_DOCS:
        store.load_extraction(extract_file(path))
    return store


def test_every_query_file_has_its_header() -> None:
    files = sorted((ROOT / "queries").glob("*.rq"))
    assert len(files) >= 12
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^# name: \S+$", text, re.MULTILINE), path
        descriptions = re.findall(r"^# description: (.+)$", text, re.MULTILINE)
        assert len(descriptions) == 2, path
        assert re.search(r"[\u4e00-\u9fff]", descriptions[0]) and re.search(
            r"[A-Za-z]{4}", descriptions[1]
        ), path
        assert re.search(r"^# params: .+$", text, re.MULTILINE), path
        assert path.stem == named()[path.stem].name


def test_a_query_without_header_is_refused(tmp_path: Path) -> None:
    from pikg.storage.sparql import parse

    with pytest.raises(QueryError, match="# name:"):
        parse("SELECT * WHERE { ?s ?p ?o }", "bare.rq")


def test_every_query_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in named():
        assert f"`{name}`" in readme, name


def test_every_query_has_fixture_parameters_and_expected_results() -> None:
    assert set(PARAMS) == set(named())
    assert {p.stem for p in (HERE / "queries").glob("*.csv")} == set(named())


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_query_results(fixture_store: Store, name: str) -> None:
    variables, rows = run_on_store(fixture_store, named()[name].bind(PARAMS[name]))
    expected = (HERE / "queries" / f"{name}.csv").read_text(encoding="utf-8")
    assert render(variables, rows, "csv") == expected
    assert len(rows) > 0


def test_parameters_are_checked() -> None:
    with pytest.raises(QueryError, match="needs --param severity"):
        named()["findings-by-severity"].bind({})
    with pytest.raises(QueryError, match="no parameter colour"):
        named()["documents"].bind({"colour": "red"})


def test_a_value_is_bound_not_pasted(fixture_store: Store) -> None:
    tricky = '满意度" } SELECT * WHERE { ?s ?p ?o } #'
    _, rows = run_on_store(fixture_store, named()["indicator-by-name"].bind({"name": tricky}))
    assert rows == []


def test_query_cli_formats_and_list(tmp_path: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["query", "--list"])
    assert listing.exit_code == 0 and "dataset-overview" in listing.stdout
    path = str(EXAMPLES / "luoyang_civil_affairs_2023_pipes.txt")
    md = runner.invoke(app, ["query", "cost-vs-funds", path, "--format", "md"])
    assert md.exit_code == 0, md.output
    assert md.stdout.splitlines()[0] == "| file | project | funds | costTargets | rows |"
    as_json = runner.invoke(
        app, ["query", "projects-rows", path, "--param", "year=2023", "--format", "json"]
    )
    rows = json.loads(as_json.stdout)
    assert len(rows) == 11 and rows[0]["department"] == "洛阳市民政局"
    rq = tmp_path / "mine.rq"
    rq.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/pikg/ontology#IndicatorTarget> }",
        encoding="utf-8",
    )
    own = runner.invoke(app, ["query", str(rq), path, "--format", "csv"])
    assert own.stdout == "n\n11\n"
    missing = runner.invoke(app, ["query", "no-such-query", path])
    assert missing.exit_code == 3 and "no query named" in missing.stderr
    assert resolve("documents").name == "documents"


def test_issue12_a_department_shared_by_documents_joins_once_per_document() -> None:
    """A department's and a region's triples live once (the shared graph), so a join over
    the union graph gives one solution per document, not one per copy."""
    from pikg import extract_text

    text = (EXAMPLES / "luoyang_civil_affairs_2023_pipes.txt").read_text(encoding="utf-8")
    store = Store()
    store.load_vocabulary()
    for year in ("2021", "2022", "2023"):
        store.load_extraction(extract_text(text.replace("2023", year), f"{year}.txt"))
    solutions = list(
        store.query(
            "PREFIX pik: <https://w3id.org/pikg/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?doc ?label ?region WHERE { ?doc pik:department ?org . "
            "?org rdfs:label ?label ; pik:region/rdfs:label ?region }"
        )
    )
    assert len(solutions) == 3
    assert len({s["doc"] for s in solutions}) == 3


def test_issue14_satisfaction_floors_keep_rows_and_match_any_region_level() -> None:
    """Documents without year, department or region are kept; identical rows of two projects
    stay two; a province matches its counties."""
    store = Store()
    store.load_vocabulary()
    for path in sorted((HERE / "issue14" / "compare").glob("*.txt")):
        store.load_extraction(extract_file(path))
    bare = HERE / "issue14" / "queries" / "no_facts.txt"
    store.load_extraction(extract_file(bare))
    query = named()["satisfaction-floors"]
    _, everything = run_on_store(store, query.bind({}))
    assert sum(r["file"] == "no_facts.txt" for r in everything) == 2  # two projects, one wording
    _, gansu = run_on_store(store, query.bind({"region": "甘肃省"}))
    assert {r["region"] for r in gansu} == {"崆峒区"} and len(gansu) == 2
    _, hubei = run_on_store(store, query.bind({"region": "湖北"}))
    assert {r["region"] for r in hubei} == {"竹山县", "十堰市"}


def _sparql_rows(store: Store, sparql: str) -> list[list[object]]:
    solutions = store.query(sparql)
    variables = [v.value for v in solutions.variables]
    return [[_value(solution[v]) for v in variables] for solution in solutions]


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_issue12_rows_sorted_here_come_in_the_order_sparql_sorts_them(
    fixture_store: Store, name: str
) -> None:
    """run_on_store applies a closing ORDER BY itself (pyoxigraph's on-disk sort is slow):
    the rows must be those, in the order, of the store running the whole query."""
    sparql = named()[name].bind(PARAMS[name])
    variables, rows = run_on_store(fixture_store, sparql)
    assert [[row[v] for v in variables] for row in rows] == _sparql_rows(fixture_store, sparql)


@pytest.mark.parametrize(
    "values",
    [
        ["<https://example.org/b>", "<https://example.org/a>", "<https://example.org/a/1>"],
        ['"乙"', '"甲"', '"甲乙"', '"Z"', '"a"', '"10"', '"9"'],
        ['"乙"@zh', '"甲"@zh', '"甲"@zh'],
        ['"10"^^xsd:integer', '"9.5"^^xsd:decimal', '"1e1"^^xsd:double', "-3", "0.25"],
        ['"2024"^^xsd:gYear', '"2023"^^xsd:gYear', '"2023"^^xsd:gYear'],
        ['"2023-05-01"^^xsd:date', '"2023-01-31"^^xsd:date', "false", "true", "true"],
        ["<https://example.org/a>", '"甲"', '"甲"@zh', "10", '"2023"^^xsd:gYear', "false"],
    ],
    ids=["iris", "strings", "zh", "numbers", "years", "dates-booleans", "mixed"],
)
def test_issue12_sorting_here_follows_sparql_order(values: list[str]) -> None:
    store = Store()
    store.store.update(
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> INSERT DATA { GRAPH <urn:g> { "
        + " ".join(f"<https://example.org/r{n}> <urn:p> {v} ." for n, v in enumerate(values))
        + " <https://example.org/r99> <urn:q> 1 . } }"
    )
    for order in ("?v ?r", "DESC(?v) ?r", "?v", "DESC(?v)", "?r", "DESC(?r)"):
        sparql = f"SELECT ?r ?v WHERE {{ ?r ?p ?o OPTIONAL {{ ?r <urn:p> ?v }} }} ORDER BY {order}"
        _, got = run_on_store(store, sparql)
        assert [[row["r"], row["v"]] for row in got] == _sparql_rows(store, sparql), order


@pytest.mark.parametrize("order", ["?r", "DESC(?r)", "?v ?r", "?o"])
@pytest.mark.parametrize("distinct", ["", "DISTINCT "])
@pytest.mark.parametrize(
    "where",
    [
        "WHERE { ?r <urn:p> ?v ; <urn:o> ?o }",
        "{ { SELECT ?r WHERE { ?r <urn:o> ?x } } ?r <urn:p> ?v ; <urn:o> ?o }",
    ],
)
def test_issue12_rows_sorted_here_by_a_key_they_do_not_show(
    order: str, distinct: str, where: str
) -> None:
    """A sort key left out of the SELECT (rows ordered by an offset they do not show) is
    projected for the sort and dropped again (from the query's own SELECT, not a
    subquery's); DISTINCT keeps each row's first place."""
    store = Store()
    store.store.update(
        "INSERT DATA { GRAPH <urn:g> { "
        + " ".join(
            f"<https://example.org/r{n}> <urn:p> {v} ; <urn:o> {o} ."
            for n, (v, o) in enumerate([('"乙"', 3), ('"甲"', 1), ('"乙"', 0), ('"甲"', 2)])
        )
        + " } }"
    )
    sparql = f"SELECT {distinct}?v {where} ORDER BY {order}"
    _, got = run_on_store(store, sparql)
    assert [[row["v"]] for row in got] == _sparql_rows(store, sparql)


def test_issue12_a_parameter_is_bound_in_every_subquery_that_names_it() -> None:
    """A subquery sees nothing of the pattern around it, so one that selects by a parameter
    gets the parameter bound in its own WHERE clause; braces, keywords and the variable's
    name inside IRIs, strings and comments are not read as the query's."""
    from pikg.storage.sparql import parse

    query = parse(
        "# name: q\n# description: 例\n# description: an example\n# params: a:string? b:string?\n"
        "PREFIX ex: <https://example.org/x#>\nSELECT ?x ?y {\n"
        '  { SELECT ?x WHERE { ?x ex:p ?__b FILTER(?x != "?__a } WHERE {") } } # ?__a WHERE {\n'
        "  { SELECT ?y WHERE { ?y ex:q ?__a } }\n  { SELECT ?z WHERE { ?z ex:r ?z } }\n}\n",
        "q.rq",
    )
    store = Store()
    store.store.update(
        "INSERT DATA { GRAPH <urn:g> { <urn:x> <https://example.org/x#p> 'b' ."
        " <urn:x2> <https://example.org/x#p> 'other' . <urn:y> <https://example.org/x#q> 'a' ."
        " <urn:y2> <https://example.org/x#q> 'other' . <urn:z> <https://example.org/x#r> <urn:z> } }"
    )
    sparql = query.bind({"a": "a", "b": "b"})
    assert sparql.count("VALUES") == 2  # the first subquery takes both, the second its own
    _, rows = run_on_store(store, sparql)
    assert rows == [{"x": "urn:x", "y": "urn:y"}]
    _, unbound = run_on_store(store, query.bind({}))
    assert len(unbound) == 4  # left out, no VALUES is added: each pattern matches any value
