"""``pikg concepts build``: the concept scheme (指标库) from a corpus of extracted documents.

Rows the rules place go to the rules' concepts. The other names are nodes of a similarity
graph (networkx): names of one value dimension and one 二级 category are joined when their
jieba tokens overlap enough, and the graph is split into communities, each a concept named
after its most frequent name. A review file a person edits overrides both:

    merge<TAB>written name<TAB>concept key or another written name
    split<TAB>written name

so the next build keeps what the person decided. The scheme is written as SKOS in Turtle,
sorted, so the same corpus and review give the same bytes.

A published concept is never dropped: one the previous scheme held and the corpus no longer
yields stays in the scheme, ``owl:deprecated``, replaced (``dcterms:isReplacedBy``) by the
concept that now holds one of its names, where one does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from pikg.errors import UsageError
from pikg.model import Extraction, IndicatorRow
from pikg.namespace import PIK, PIKFW
from pikg.parsing import concepts
from pikg.parsing.names import clean_name

# Token overlap (Jaccard) at which two names are an edge of the similarity graph.
BUILD_SIMILARITY = 0.75
COMMUNITY_SEED = 0  # Louvain is randomised; a fixed seed keeps the build deterministic


@dataclass
class Review:
    merge: dict[str, str] = field(default_factory=dict)  # normalised name → key or name
    split: set[str] = field(default_factory=set)


def _norm(written: str) -> str:
    return concepts.normalise(clean_name(written))


def read_review(path: Path | None) -> Review:
    review = Review()
    if path is None or not path.is_file():
        return review
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == "merge" and len(cells) == 3:
            review.merge[_norm(cells[1])] = cells[2].strip()
        elif cells[0] == "split" and len(cells) == 2:
            review.split.add(_norm(cells[1]))
        else:
            raise UsageError(f"{path}:{number}: expected merge NAME TARGET or split NAME")
    return review


@dataclass
class _Concept:
    key: str
    label: str
    en: str | None = None
    broader: Counter[str] = field(default_factory=Counter)
    dims: set[str] = field(default_factory=set)
    variants: set[str] = field(default_factory=set)
    rules: list[str] = field(default_factory=list)


def _level2_iri(row: IndicatorRow) -> str | None:
    return row.level2.iri if row.level2 is not None else None


def _community_graph(nodes: dict[tuple[str, str], list[IndicatorRow]]) -> nx.Graph:
    graph = nx.Graph()
    keys = sorted(nodes)
    graph.add_nodes_from(keys)
    toks = {k: concepts.tokens(k[0]) for k in keys}
    level = {k: {_level2_iri(r) for r in nodes[k]} - {None} for k in keys}
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if a[1] != b[1] or (level[a] and level[b] and not level[a] & level[b]):
                continue  # other units, or other 二级 categories: never one column
            union = toks[a] | toks[b]
            overlap = len(toks[a] & toks[b]) / len(union) if union else 0.0
            if overlap >= BUILD_SIMILARITY:
                graph.add_edge(a, b, weight=overlap)
    return graph


def build(
    results: Iterable[Extraction], review: Review | None = None, previous: Graph | None = None
) -> Graph:
    """The scheme of a corpus; ``previous`` is the scheme published before, whose concepts
    the corpus no longer yields are kept as deprecated."""
    review = review or Review()
    rules = {r.key: r for r in concepts.rules()}
    found: dict[str, _Concept] = {}
    pending: dict[tuple[str, str], list[IndicatorRow]] = defaultdict(list)
    by_name: dict[str, str] = {}  # normalised name → concept key, for merges naming a name

    def add(key: str, label: str, row: IndicatorRow, dim: str) -> None:
        rule = rules.get(key)
        concept = found.setdefault(
            key,
            _Concept(key, rule.zh if rule else label, rule.en if rule else None),
        )
        if rule is None and (iri := _level2_iri(row)) is not None:
            concept.broader[iri] += 1
        concept.dims.add(dim)
        concept.variants.add(clean_name(row.name))
        by_name.setdefault(concepts.normalise(clean_name(row.name)), key)

    for rule in concepts.rules():  # the whole library of stated concepts, seen or not
        stated = found.setdefault(rule.key, _Concept(rule.key, rule.zh, rule.en))
        stated.rules.append(rule.match.pattern)
        stated.broader[str(PIKFW[rule.broader])] += 1
        stated.dims.update(rule.dims or ())
    merged: list[tuple[str, IndicatorRow, str]] = []
    for row, found_as in concepts.assignments(results):
        name = found_as.normalised
        if name in review.merge:
            merged.append((review.merge[name], row, found_as.dim))
        elif name in review.split:
            add(concepts.minted_key(name, found_as.dim), name, row, found_as.dim)
        elif found_as.source == "rule":
            add(found_as.iri.removeprefix(str(concepts.CONCEPT)), found_as.label, row, found_as.dim)
        elif found_as.source == "minted":
            pending[(name, found_as.dim)].append(row)
        # concepts of one document (bare level labels) stay out of the shared scheme
    for community in nx.community.louvain_communities(
        _community_graph(pending), weight="weight", seed=COMMUNITY_SEED
    ):
        members = sorted(community, key=lambda k: (-len(pending[k]), len(k[0]), k))
        name, dim = members[0]
        key = concepts.minted_key(name, dim)
        for member in members:
            for row in pending[member]:
                add(key, name, row, member[1])
    for target, row, dim in merged:
        known = target if target in rules or target in found else by_name.get(_norm(target))
        add(known or concepts.minted_key(_norm(target), dim), _norm(target), row, dim)
    graph = _graph(found.values())
    if previous is not None:
        _keep_deprecated(graph, previous)
    return graph


def _zh_names(graph: Graph, node: Node) -> set[str]:
    return {
        _norm(str(o))
        for p in (SKOS.prefLabel, SKOS.altLabel)
        for o in graph.objects(node, p)
        if isinstance(o, Literal) and o.language == "zh"
    }


def _keep_deprecated(graph: Graph, previous: Graph) -> None:
    live = set(graph.subjects(SKOS.inScheme, concepts.SCHEME))
    holder = {
        name: node
        for node in sorted(live, key=str)
        if (node, OWL.deprecated, Literal(True)) not in graph
        for name in sorted(_zh_names(graph, node))
    }
    for node in sorted(set(previous.subjects(SKOS.inScheme, concepts.SCHEME)) - live, key=str):
        for _, p, o in previous.triples((node, None, None)):
            if p != DCTERMS.isReplacedBy:
                graph.add((node, p, o))
        graph.add((node, OWL.deprecated, Literal(True)))
        for name in sorted(_zh_names(previous, node)):
            if name in holder:
                graph.add((node, DCTERMS.isReplacedBy, holder[name]))
                break


def _graph(found: Iterable[_Concept]) -> Graph:
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("pikc", concepts.CONCEPT)
    graph.bind("pikfw", PIKFW._NS)
    graph.bind("pik", PIK._NS)
    scheme = concepts.SCHEME
    graph.add((scheme, RDF.type, OWL.Ontology))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal("pikg 指标库", lang="zh")))
    graph.add((scheme, SKOS.prefLabel, Literal("pikg indicator concepts", lang="en")))
    graph.add((scheme, RDFS.comment, Literal(_COMMENT_ZH, lang="zh")))
    graph.add((scheme, RDFS.comment, Literal(_COMMENT_EN, lang="en")))
    graph.add((scheme, DCTERMS.license, URIRef("https://spdx.org/licenses/MIT")))
    for concept in found:
        node = URIRef(concepts.concept_iri(concept.key))
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.notation, Literal(concept.key)))
        graph.add((node, SKOS.prefLabel, Literal(concept.label, lang="zh")))
        if concept.en:
            graph.add((node, SKOS.prefLabel, Literal(concept.en, lang="en")))
        for variant in concept.variants - {concept.label}:
            graph.add((node, SKOS.altLabel, Literal(variant, lang="zh")))
        if concept.broader:
            top = sorted(concept.broader.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            graph.add((node, SKOS.broader, URIRef(top)))
        for dim in concept.dims:
            graph.add((node, PIK.valueDimension, Literal(dim)))
        for pattern in concept.rules:
            graph.add((node, SKOS.scopeNote, Literal(f"rule: {pattern}")))
    return graph


_COMMENT_ZH = (
    "可比较指标的概念：同一概念的指标可放在跨地区比较表的同一列。由 pikg concepts build "
    "依据 data/concept_rules.tsv 的规则、jieba 分词相似度图的社区划分和人工审阅文件生成。"
)
_COMMENT_EN = (
    "Comparable indicator concepts: rows of one concept sit in one column of a cross-region "
    "comparison. Built by pikg concepts build from the rules in data/concept_rules.tsv, "
    "communities of a jieba-token similarity graph, and a review file a person edits."
)


def published(path: Path) -> Graph | None:
    """The scheme written at ``path`` before, if there is one."""
    if not path.is_file():
        return None
    return Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")


def write(graph: Graph, path: Path) -> None:
    text = graph.serialize(format="turtle")
    path.write_text(text, encoding="utf-8")
