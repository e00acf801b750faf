from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from pikg import resources
from pikg.parsing import framework


def test_every_concept_has_zh_and_en_labels_and_definitions() -> None:
    graph = Graph().parse(
        data=resources.ontology("framework.ttl").read_text(encoding="utf-8"), format="turtle"
    )
    concepts = set(graph.subjects(RDF.type, SKOS.Concept)) | set(
        graph.subjects(RDF.type, SKOS.ConceptScheme)
    )
    assert len(concepts) == 26
    for concept in concepts:
        for prop in (SKOS.prefLabel, SKOS.definition):
            langs = {getattr(o, "language", None) for o in graph.objects(concept, prop)}
            assert {"zh", "en"} <= langs, (concept, prop)


def test_every_second_level_has_a_broader_first_level() -> None:
    fw = framework.load()
    for level in fw.levels.values():
        if level.depth == 2:
            parent = fw.parent(level)
            assert parent is not None and parent.depth == 1


def test_shared_labels_resolve_by_position() -> None:
    fw = framework.load()
    output = fw.levels["output"]
    cost = fw.lookup("成本指标")
    assert fw.resolve(cost, framework.SCHEME_2015, output, False).key == "output-cost"
    assert fw.resolve(cost, framework.SCHEME_2021, output, False).key == "cost"
    satisfaction = fw.lookup("满意度指标")
    assert fw.resolve(satisfaction, framework.SCHEME_2015, None, False).key == "satisfaction"
    assert fw.resolve(satisfaction, framework.SCHEME_2015, None, True).key == "service-satisfaction"


def test_scheme_is_read_from_the_document() -> None:
    fw = framework.load()
    assert fw.scheme_of("成本指标 经济成本指标 ≤8元") == framework.SCHEME_2021
    assert fw.scheme_of("产出指标 成本指标 培训费用 ≤8万元") == framework.SCHEME_2015


def test_issue10_combined_level_reads_as_the_first_named() -> None:
    """A cell naming several 二级 at once reads as the first it names, whatever the hash seed
    (the reading once followed set order, so one process filed the row under 生态效益)."""
    fw = framework.load()
    assert [lv.key for lv in fw.lookup_loose("经济、社会效益指标")] == ["economic-benefit"]
    assert [lv.key for lv in fw.lookup_loose("生态、社会及经济效益指标")] == ["ecological-benefit"]
