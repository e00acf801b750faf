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
SCHEME_EVALUATION = "evaluation"
_SCHEMES = {
    str(PIKFW["scheme-2015"]): SCHEME_2015,
    str(PIKFW["scheme-2021"]): SCHEME_2021,
    str(PIKFW["scheme-evaluation"]): SCHEME_EVALUATION,
}
# A level cell may carry its weight: 产出指标（50分）.
_WEIGHT_SUFFIX = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
# An alternative name in brackets: 数量指标(或建筑规模指标), 时效指标(工期指标).
_ALTERNATIVE = re.compile(r"[(（][^()（）]{0,16}[)）]")
# Suffixes a level name takes besides 指标: 数量值 (a 数量指标), 数量目标.
_LEVEL_SUFFIXES = ("指标", "值", "目标")
# A cell longer than this is an indicator's name or prose, never a level's name.
MAX_LEVEL_CELL = 20


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
        text = _bare(cell)
        found = self.by_label.get(text, ())
        if not found and len(text) <= MAX_LEVEL_CELL:
            if "(" in text or "（" in text:
                text = _ALTERNATIVE.sub("", text)
            found = self.by_label.get(text, ()) or self.by_label.get(f"{text}指标", ())
        return found

    def lookup_loose(self, cell: str) -> tuple[Level, ...]:
        """Levels of a cell that reads as a level name the framework does not list.

        `可持续性发展影响指标`, `服务对象或受益者满意度指标`, `社会、经济、生态效益指标`: a short
        cell ending in a level suffix that contains a known level's stem names that level.
        """
        if "指" not in cell or "标" not in cell:
            return ()  # it cannot end in 指标
        text = _ALTERNATIVE.sub("", _bare(cell))
        if len(text) > MAX_LEVEL_CELL or not text.endswith("指标"):
            return ()
        found = [stem for stem in self.stems if _subsequence(stem, text)]
        if not found:
            return ()
        # The longest stem; among equals the one named first (社会、经济、生态效益指标 is a
        # 社会效益), so the reading never depends on set order.
        longest = [stem for stem in found if len(stem) == len(found[0])]
        return self.by_label[min(longest, key=lambda stem: (text.find(stem[0]), stem))]

    @cached_property
    def stems(self) -> tuple[str, ...]:
        """Level names without their suffix, longest first: 可持续影响, 满意度, 效益."""
        found = {
            label
            for label in self.by_label
            if len(label) >= 2 and not label.endswith(_LEVEL_SUFFIXES)
        }
        found.discard("绩效目标")  # a 二级 of 决策, and the word of every form's heading
        # Ties by the label itself: a set's order changes from one process to the next.
        return tuple(sorted(found, key=lambda label: (-len(label), label)))

    def resolve(
        self,
        candidates: tuple[Level, ...],
        scheme: str,
        current_l1: Level | None,
        l1_on_line: bool,
    ) -> Level:
        """Choose among levels sharing a label (成本指标, 满意度指标) from where the cell stands."""
        if len(candidates) == 1 and candidates[0].depth in (1, 2):
            return candidates[0]  # most labels name one level: nothing to choose
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


def _bare(cell: str) -> str:
    """A cell without its weight (which says 分) and white space."""
    text = cell.strip()
    if "分" in text:
        text = _WEIGHT_SUFFIX.sub("", text)
    return "".join(text.split())  # split's white space is the regex's \s, at a quarter the cost


def _subsequence(short: str, long: str) -> bool:
    """`可持续影响` in `可持续性发展影响指标`: each character in order, gaps allowed."""
    rest = iter(long)
    return all(ch in rest for ch in short)


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
    # 数量值, 数量目标: the same level under another suffix, read but never shown.
    for label in list(labels):
        if label.endswith("指标") and len(label) > 2:
            for suffix in _LEVEL_SUFFIXES[1:]:
                variant = label[: -len("指标")] + suffix
                labels.setdefault(variant, list(labels[label]))
    # First-level readings first, so a bare 满意度指标 reads as the 一级 by default.
    by_label = {k: tuple(sorted(v, key=lambda lv: lv.depth)) for k, v in labels.items()}
    glued = tuple(sorted((k for k in by_label if k.endswith("指标")), key=len, reverse=True))
    return Framework(levels=levels, by_label=by_label, glued=glued)
