"""The indicator framework (一级/二级指标), read from the SKOS schemes in ``ontology/``.

Level names and their variants live only in ``ontology/framework.ttl``; this module indexes
them for the parser, so the extractor and the published vocabulary cannot disagree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from pikg import resources
from pikg.namespace import PIKFW

SCHEME_2015 = "2015"
SCHEME_2021 = "2021"
_SCHEMES = {str(PIKFW["scheme-2015"]): SCHEME_2015, str(PIKFW["scheme-2021"]): SCHEME_2021}
# A level cell may carry its weight: 产出指标（50分）.
_WEIGHT_SUFFIX = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")


@dataclass(frozen=True)
class Level:
    key: str
    iri: str
    label: str
    depth: int
    broader: str | None
    schemes: frozenset[str]


@dataclass(frozen=True)
class Framework:
    levels: dict[str, Level]
    by_label: dict[str, tuple[Level, ...]]
    glued: tuple[str, ...]  # labels that end in 指标, longest first: safe to strip when glued

    def lookup(self, cell: str) -> tuple[Level, ...]:
        """The levels a whole cell names, or () when it names none."""
        text = _WEIGHT_SUFFIX.sub("", cell.strip())
        return self.by_label.get(re.sub(r"\s+", "", text), ())

    def resolve(
        self,
        candidates: tuple[Level, ...],
        scheme: str,
        current_l1: Level | None,
        l1_on_line: bool,
    ) -> Level:
        """Choose among levels sharing a label (成本指标, 满意度指标) from where the cell stands."""
        in_scheme = [lv for lv in candidates if scheme in lv.schemes] or list(candidates)
        seconds = [lv for lv in in_scheme if lv.depth == 2]
        firsts = [lv for lv in in_scheme if lv.depth == 1]
        if l1_on_line and seconds:
            return seconds[0]
        if current_l1 is not None:
            for lv in seconds:
                if lv.broader == current_l1.key:
                    return lv
        return (firsts or seconds)[0]

    def alternation(self, depth: int) -> str:
        """A regex alternative of every label naming a level of this depth, longest first."""
        labels = [lb for lb, lvs in self.by_label.items() if any(lv.depth == depth for lv in lvs)]
        return "|".join(map(re.escape, sorted(labels, key=len, reverse=True)))

    @cached_property
    def by_scheme(self) -> dict[str, dict[str, Level]]:
        """scheme → canonical label → level: how a row's level name maps back to its concept."""
        table: dict[str, dict[str, Level]] = {}
        for level in self.levels.values():
            for scheme in level.schemes:
                table.setdefault(scheme, {})[level.label] = level
        return table

    def parent(self, level: Level) -> Level | None:
        return self.levels.get(level.broader) if level.broader else None

    def scheme_of(self, text: str) -> str:
        """The scheme a document uses: 2021 when it names a level only that scheme has."""
        for level in self.levels.values():
            only_2021 = level.schemes == frozenset({SCHEME_2021}) and level.depth == 2
            if only_2021 and any(label in text for label in self.labels_of(level)):
                return SCHEME_2021
        return SCHEME_2015

    def labels_of(self, level: Level) -> list[str]:
        return [label for label, levels in self.by_label.items() if level in levels]


def _key(iri: URIRef) -> str:
    return str(iri).removeprefix(str(PIKFW))


@cache
def load() -> Framework:
    graph = resources.ontology_graph("framework.ttl")
    levels: dict[str, Level] = {}
    labels: dict[str, list[Level]] = {}
    for concept in sorted(graph.subjects(RDF.type, SKOS.Concept), key=str):
        assert isinstance(concept, URIRef)
        broader = graph.value(concept, SKOS.broader)
        schemes = frozenset(
            _SCHEMES[str(s)] for s in graph.objects(concept, SKOS.inScheme) if str(s) in _SCHEMES
        )
        pref = next(
            str(o)
            for o in graph.objects(concept, SKOS.prefLabel)
            if getattr(o, "language", None) == "zh"
        )
        level = Level(
            key=_key(concept),
            iri=str(concept),
            label=pref,
            depth=2 if broader is not None else 1,
            broader=_key(broader) if isinstance(broader, URIRef) else None,
            schemes=schemes,
        )
        levels[level.key] = level
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for lit in graph.objects(concept, prop):
                if getattr(lit, "language", None) == "zh":
                    text = unicodedata.normalize("NFKC", str(lit))
                    labels.setdefault(text, []).append(level)
    # First-level readings first, so a bare 满意度指标 reads as the 一级 by default.
    by_label = {k: tuple(sorted(v, key=lambda lv: lv.depth)) for k, v in labels.items()}
    glued = tuple(sorted((k for k in by_label if k.endswith("指标")), key=len, reverse=True))
    return Framework(levels=levels, by_label=by_label, glued=glued)
