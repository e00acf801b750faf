"""Clean names and canonical indicator concepts (issue 14): rules, minting, the scheme build."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from pikg.model import IndicatorRow, LevelRef
from pikg.namespace import PIK
from pikg.parsing import concepts, framework
from pikg.parsing.concept_build import build, published, read_review
from pikg.parsing.names import clean_name
from pikg.parsing.pipeline import extract_file
from pikg.parsing.targets import parse_target

CASES = Path(__file__).resolve().parent / "issue14" / "concepts"


def _table(name: str) -> list[list[str]]:
    lines = (CASES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def _level(name: str | None) -> LevelRef | None:
    if name is None:
        return None
    known = framework.load().lookup(name)
    return LevelRef(name, known[0].iri if known else None, known[0].label if known else None)


def _row(name: str, written: str, level2: str | None = None) -> IndicatorRow:
    return IndicatorRow(
        doc="t.txt",
        project="p",
        level1=None,
        level2=_level(level2),
        level_source="stated",
        name=name,
        target=parse_target(written, name, 2024),
        raw=f"{name} {written}",
        start=0,
        end=0,
    )


@pytest.mark.parametrize(("written", "clean"), _table("clean_names.tsv"))
def test_issue14_clean_name(written: str, clean: str) -> None:
    assert clean_name(written) == clean


@pytest.mark.parametrize(("a", "ta", "b", "tb", "same"), _table("pairs.tsv"))
def test_issue14_concept_pairs(a: str, ta: str, b: str, tb: str, same: str) -> None:
    first = concepts.assign(_row(a, ta), "doc-1")
    second = concepts.assign(_row(b, tb), "doc-2")
    assert (first.iri == second.iri) is (same == "same"), (first, second)


def test_issue14_incomparable_units_never_share_a_concept() -> None:
    for name in ("受益群众满意度", "项目总成本", "培训人数", "道路硬化里程"):
        found = {concepts.assign(_row(name, t), "d").iri for t in ("≥90%", "≤50万元", "≥3次")}
        assert len(found) == 3, name


def test_issue14_a_bare_level_label_stays_in_its_document() -> None:
    one = concepts.assign(_row("质量指标", "达标"), "doc-1")
    again = concepts.assign(_row("质量指标", "达标"), "doc-1")
    other = concepts.assign(_row("质量指标", "达标"), "doc-2")
    assert one.iri == again.iri != other.iri
    # but read with its level and value, a bare label can name a shared concept
    bare = concepts.assign(_row("满意度", "≥90%", level2="服务对象满意度指标"), "doc-1")
    assert bare.iri == concepts.concept_iri("satisfaction.beneficiaries")
    cost = concepts.assign(_row("成本指标", "≤300万元"), "doc-1")
    assert cost.iri == concepts.concept_iri("cost.total")


def test_issue14_unseen_names_are_minted_deterministically() -> None:
    a = concepts.assign(_row("★秸秆综合利用率(必填)", "≥92%"), "doc-1")
    b = concepts.assign(_row("秸秆综合利用率", "≥90%"), "doc-2")
    assert a.source == b.source == "minted"
    assert a.iri == b.iri == concepts.concept_iri(concepts.minted_key("秸秆综合利用率", "ratio"))
    assert a.label == "秸秆综合利用率"


def test_issue14_every_rule_concept_is_in_the_shipped_scheme() -> None:
    recorded = {c.iri for c in concepts.scheme().concepts}
    assert {concepts.concept_iri(r.key) for r in concepts.rules()} <= recorded


def _built(review: Path | None = None) -> Graph:
    corpus = [extract_file(p) for p in sorted((CASES / "corpus").glob("*.txt"))]
    return build(corpus, read_review(review))


def _concept_of(graph: Graph, written: str) -> URIRef | None:
    found = {
        s
        for s in graph.subjects(SKOS.altLabel, None)
        if written in map(str, graph.objects(s, SKOS.altLabel))
    }
    found |= {
        s
        for s in graph.subjects(SKOS.prefLabel, None)
        if written in map(str, graph.objects(s, SKOS.prefLabel))
    }
    assert len(found) <= 1, (written, found)
    return next(iter(found), None)  # type: ignore[return-value]


def test_issue14_build_joins_near_names_and_respects_the_review() -> None:
    plain = _built()
    # a similarity-graph community: one word of difference in four
    assert _concept_of(plain, "城区公共绿地养护面积") == _concept_of(plain, "公共绿地养护面积")
    assert _concept_of(plain, "城区绿化养护面积") == _concept_of(plain, "绿化养护面积")
    assert _concept_of(plain, "临时救助人次") != _concept_of(plain, "急难救助人次")
    reviewed = _built(CASES / "review.tsv")
    assert _concept_of(reviewed, "临时救助人次") == _concept_of(reviewed, "急难救助人次")
    assert _concept_of(reviewed, "城区绿化养护面积") != _concept_of(reviewed, "绿化养护面积")
    # the satisfaction of whoever is served is one concept, recorded with its variants
    sat = URIRef(concepts.concept_iri("satisfaction.beneficiaries"))
    assert {"救助对象满意度", "受助群众满意度"} <= set(
        map(str, reviewed.objects(sat, SKOS.altLabel))
    )
    assert str(reviewed.value(sat, SKOS.broader)).endswith("service-satisfaction")


def test_issue14_build_is_byte_identical_and_a_built_scheme_is_used() -> None:
    texts = [_built(CASES / "review.tsv").serialize(format="turtle") for _ in range(2)]
    assert texts[0] == texts[1]
    scheme = concepts.scheme_from_graph(Graph().parse(data=texts[0], format="turtle"))
    merged = concepts.assign(_row("急难救助人次", "≥100人次"), "x", scheme)
    plain = concepts.assign(_row("临时救助人次", "≥100人次"), "y", scheme)
    assert merged.source == "scheme" and merged.iri == plain.iri


def test_issue14_a_published_concept_the_corpus_no_longer_yields_is_deprecated() -> None:
    reviewed = _built(CASES / "review.tsv")
    merged = _concept_of(reviewed, "急难救助人次")
    assert merged is not None
    gone = URIRef(concepts.concept_iri("m-0000000000000000"))
    previous = Graph()
    for p, o in [
        (RDF.type, SKOS.Concept),
        (SKOS.inScheme, concepts.SCHEME),
        (SKOS.prefLabel, Literal("急难救助人次", lang="zh")),
        (PIK.valueDimension, Literal("count")),
    ]:
        previous.add((gone, p, o))
    rebuilt = build(
        [extract_file(p) for p in sorted((CASES / "corpus").glob("*.txt"))],
        read_review(CASES / "review.tsv"),
        previous,
    )
    assert (gone, OWL.deprecated, Literal(True)) in rebuilt
    assert rebuilt.value(gone, DCTERMS.isReplacedBy) == merged
    assert rebuilt.value(gone, SKOS.prefLabel) == Literal("急难救助人次", lang="zh")
    # kept for the links already published, never assigned again
    scheme = concepts.scheme_from_graph(rebuilt)
    assert str(gone) not in {c.iri for c in scheme.concepts}
    again = build(
        [extract_file(p) for p in sorted((CASES / "corpus").glob("*.txt"))],
        read_review(CASES / "review.tsv"),
        rebuilt,
    )
    assert again.serialize(format="turtle") == rebuilt.serialize(format="turtle")


def test_issue14_rows_carry_clean_name_and_concept() -> None:
    result = extract_file(
        Path(__file__).resolve().parent / "issue14" / "compare" / "kongtong_water_2023.txt"
    )
    row = next(r for r in result.rows if "满意度" in r.name)
    assert row.clean_name == "受益群众满意度"
    assert row.concept == concepts.concept_iri("satisfaction.beneficiaries")
    assert row.concept_label == "服务对象（受益群众）满意度"
    assert [r.start for r in result.rows] == sorted(r.start for r in result.rows)
    assert all(a.concept and b.concept for a, b in pairwise(result.rows))


def test_issue14_shipped_scheme_is_what_its_corpus_and_review_build() -> None:
    root = Path(__file__).resolve().parents[1]
    corpus = sorted((root / "examples").glob("*.txt")) + sorted(
        (root / "tests" / "cases").rglob("*.txt")
    )
    shipped = (root / "ontology" / "concepts.ttl").read_text(encoding="utf-8")
    graph = build(
        [extract_file(p) for p in corpus],
        read_review(root / "ontology" / "concepts-review.tsv"),
        published(root / "ontology" / "concepts.ttl"),
    )
    assert graph.serialize(format="turtle") == shipped, (
        "run: pikg concepts build examples tests/cases"
    )


def test_issue14_a_rule_can_need_the_level() -> None:
    under = concepts.assign(_row("长期发挥作用", "≥10年", level2="可持续影响指标"), "d")
    assert under.iri == concepts.concept_iri("sustainability.impact-duration")
    alone = concepts.assign(_row("长期发挥作用", "≥10年"), "d")
    assert alone.source == "minted"


def test_issue10_scheme_read_by_pyoxigraph_is_the_one_rdflib_reads() -> None:
    """The shipped scheme, parsed by pyoxigraph for a fast start-up, gives the concepts that
    rdflib's graph of the same file gives; and a deprecated concept is never among them."""
    from pikg import resources

    text = resources.ontology(concepts.SCHEME_FILE).read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    assert concepts.scheme() == concepts.scheme_from_graph(graph)
    deprecated = {str(s) for s in graph.subjects(OWL.deprecated, Literal(True))}
    assert deprecated and not deprecated & {c.iri for c in concepts.scheme().concepts}
    assert len(concepts.scheme().concepts) > 100
