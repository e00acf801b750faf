"""Canonical indicator concepts (指标库): which comparison column a row belongs in.

A row's concept is decided, in order, by
1. the concept scheme ``ontology/concepts.ttl`` (built by ``pikg concepts build``, reviewed by a
   person): a written variant recorded there, with the same value dimension, names its concept;
2. the rules of ``data/concept_rules.tsv`` — families a researcher states (whose satisfaction,
   funds arrival vs budget execution, kinds of deadline …);
3. the scheme again, by jieba tokens: a name close enough to a recorded variant;
4. otherwise a concept minted from the clean name and the value dimension, so rows never seen
   still meet rows of the same indicator elsewhere, and rows of incomparable units never do.
A name that is only a level label (质量指标) and no rule places stays a concept of its own
document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property, lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, SKOS

from pikg import namespace, resources
from pikg.model import Extraction, IndicatorRow
from pikg.parsing import framework as framework_module
from pikg.parsing import segment
from pikg.parsing.names import bracket_unit, clean_name, simplified
from pikg.parsing.targets import units

CONCEPT = Namespace(namespace.CONCEPT)
SCHEME = URIRef(str(CONCEPT))
SCHEME_FILE = "concepts.ttl"
# Jaccard overlap of jieba tokens above which an unseen name joins a recorded variant's concept.
TOKEN_MATCH = 0.8
# A project's whole cost is never this small: a bare cost label with less is a unit cost.
UNIT_COST_MAX_YUAN = Decimal(1000)
# A full year of days: a target of this many 天 is year-round service, not a processing limit.
YEAR_DAYS = 360
_PEOPLE = {"人", "人次", "名", "位"}
_TIMES = {"次", "批次", "场", "期", "场次", "轮", "批"}
_RATIO_NAME = re.compile(r"(率|比例|比重|占比|满意度|覆盖面)$")
_PEOPLE_NAME = re.compile(r"(人数|人次|人口|名额)$")
_TIMES_NAME = re.compile(r"(次数|场次|批次|期数)$")
_YEAR = re.compile(r"(?:19|20)\d{2}(?:年度|年)?")
_AS_OF = re.compile(r"^截至[^,，]*[,，]")
_PUNCT = re.compile(r"[\s、，,。.;；:：()（）“”\"'‘’《》<>\-—_|/·]")
_STOPWORDS = {"的", "和", "及", "与", "或", "等", "对", "了", "在", "是"}


_CONCEPT_BASE = str(CONCEPT)  # formatting the Namespace itself costs a call per row


def concept_iri(key: str) -> str:
    return _CONCEPT_BASE + key


@dataclass(frozen=True)
class Rule:
    key: str
    dims: frozenset[str] | None
    match: re.Pattern[str]
    exclude: re.Pattern[str] | None
    broader: str
    zh: str
    en: str
    level: re.Pattern[str] | None = None  # on the row's 二级, where the name alone says too little

    def fits(self, name: str, dim: str, level2: str = "") -> bool:
        if self.dims is not None and dim not in self.dims:
            return False
        if self.level is not None and not self.level.search(level2):
            return False
        if not self.match.search(name):
            return False
        return self.exclude is None or not self.exclude.search(name)


@cache
def rules() -> tuple[Rule, ...]:
    out = []
    for cells in resources.read_data_lines("concept_rules.tsv"):
        key, dims, match, exclude, broader, zh, en = cells[:7]
        level = cells[7] if len(cells) > 7 else ""
        out.append(
            Rule(
                key=key,
                dims=None if dims == "*" else frozenset(dims.split(",")),
                match=re.compile(match),
                exclude=re.compile(exclude) if exclude else None,
                broader=broader,
                zh=zh,
                en=en,
                level=re.compile(level) if level else None,
            )
        )
    return tuple(out)


@cache
def _synonyms() -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in resources.read_data_lines("concept_synonyms.tsv"))


@lru_cache(maxsize=1 << 16)
def normalise(clean: str) -> str:
    """The form names are compared in: synonyms applied, years and punctuation dropped."""
    text = _AS_OF.sub("", clean)
    text = _YEAR.sub("", text)
    for written, canonical in _synonyms():
        text = text.replace(written, canonical)
    return _PUNCT.sub("", text) or _PUNCT.sub("", clean)


@lru_cache(maxsize=1 << 16)
def tokens(normalised: str) -> frozenset[str]:
    words = segment.tokenizer().lcut(normalised)
    return frozenset(t for t in words if t.strip() and t not in _STOPWORDS)


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except InvalidOperation:
        return None


def dimension(row: IndicatorRow) -> str:
    """What the target measures, coarse enough that two rows of one dimension can be compared."""
    if row.target.kind == "date":
        return "date"
    if row.target.kind in ("text", "empty"):
        return row.target.kind
    unit = simplified(row.target.unit_normalized or row.target.unit or bracket_unit(row.name) or "")
    if not unit:  # a bare number: the name's last word says what it counts
        clean = clean_name(row.name)
        if _RATIO_NAME.search(clean):
            return "ratio"
        if _PEOPLE_NAME.search(clean):
            return "count:people"
        if _TIMES_NAME.search(clean):
            return "count:times"
        return "number"
    info = units().get(unit)
    if info is None:
        if "元/" in unit or unit.startswith("元"):
            return "money"
        return f"count:{unit}"
    if info.dimension == "count":
        if info.base in _PEOPLE:
            return "count:people"
        if info.base in _TIMES:
            return "count:times"
        return f"count:{info.base}"
    if info.dimension == "time" and info.base in ("天", "日"):
        days = _number(row.target.value_normalized)
        return "time:year" if days is not None and days >= YEAR_DAYS else "time:day"
    if info.dimension == "measure":
        return f"measure:{info.base}"
    return info.dimension


def _below(value: str | None, limit: Decimal) -> bool:
    number = _number(value)
    return number is not None and number < limit


def _mint(text: str) -> str:
    return "m-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def minted_key(normalised: str, dim: str) -> str:
    """The deterministic key of a concept nothing else names: name and dimension."""
    return _mint(f"{normalised}|{dim}")


@dataclass(frozen=True)
class Recorded:
    """A concept of the scheme, with what rows are matched against."""

    iri: str
    label: str
    dims: frozenset[str]
    variants: frozenset[str]  # normalised written forms


@dataclass(frozen=True)
class ConceptScheme:
    concepts: tuple[Recorded, ...]
    by_variant: dict[tuple[str, str], Recorded]
    closest_found: dict[tuple[str, str], Recorded | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @cached_property
    def by_tokens(self) -> tuple[tuple[frozenset[str], str, Recorded], ...]:
        """Tokens of every recorded variant, cut only once a name needs comparing."""
        return tuple((tokens(v), d, c) for (v, d), c in sorted(self.by_variant.items()))

    def exact(self, normalised: str, dim: str) -> Recorded | None:
        return self.by_variant.get((normalised, dim))

    def closest(self, normalised: str, dim: str) -> Recorded | None:
        key = (normalised, dim)
        if key not in self.closest_found:  # names repeat: each is compared with the scheme once
            self.closest_found[key] = self._closest(normalised, dim)
        return self.closest_found[key]

    @cached_property
    def holding(self) -> dict[str, tuple[int, ...]]:
        """token → the indices in ``by_tokens`` of the variants cut into it."""
        table: dict[str, list[int]] = {}
        for i, (theirs, _, _) in enumerate(self.by_tokens):
            for token in theirs:
                table.setdefault(token, []).append(i)
        return {token: tuple(at) for token, at in table.items()}

    @cached_property
    def token_lengths(self) -> dict[str, tuple[int, ...]]:
        """first character → the lengths of the tokens it opens (one or two, mostly)."""
        lengths: dict[str, set[int]] = {}
        for token in self.holding:
            lengths.setdefault(token[0], set()).add(len(token))
        return {first: tuple(sorted(n)) for first, n in lengths.items()}

    def _pieces_holding(self, text: str) -> set[str]:
        """The variants' tokens found in ``text``: its pieces of the lengths of the tokens
        their first character opens, looked up (a name is short, the tokens many)."""
        n = len(text)
        holding, lengths = self.holding, self.token_lengths
        return {
            piece
            for i, first in enumerate(text)
            for length in lengths.get(first, ())
            if i + length <= n and (piece := text[i : i + length]) in holding
        }

    def _could_match(self, normalised: str, dim: str) -> bool:
        """Whether some variant could reach TOKEN_MATCH, judged without cutting the name.

        The name's tokens are pieces of it, so the variant's tokens it shares are among those
        found in it as substrings; the overlap is at most their count over the variant's. Most
        unseen names pass no variant, and are never cut (jieba was half of assigning)."""
        shared: dict[int, int] = {}
        for token in self._pieces_holding(normalised):
            for i in self.holding[token]:
                shared[i] = shared.get(i, 0) + 1
        return any(
            n / len(self.by_tokens[i][0]) >= TOKEN_MATCH
            for i, n in shared.items()
            if self.by_tokens[i][1] == dim
        )

    def _closest(self, normalised: str, dim: str) -> Recorded | None:
        if not self._could_match(normalised, dim):
            return None
        mine = tokens(normalised)
        best, score = None, 0.0
        # Only variants sharing a token can overlap; in scheme order, so ties go as before.
        for i in sorted({i for token in mine for i in self.holding.get(token, ())}):
            theirs, their_dim, concept = self.by_tokens[i]
            if their_dim != dim:
                continue
            overlap = len(mine & theirs) / len(mine | theirs)
            if overlap > score:
                best, score = concept, overlap
        return best if score >= TOKEN_MATCH else None


# An object as the scheme reader sees it: its value, language and datatype (None for a node).
_Object = tuple[str, str | None, str | None]
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _read_scheme(statements: Iterable[tuple[str, str, _Object]]) -> ConceptScheme:
    """The concepts of the scheme from (subject, predicate, object) statements."""
    about: dict[str, dict[str, list[_Object]]] = {}
    for subject, predicate, obj in statements:
        about.setdefault(subject, {}).setdefault(predicate, []).append(obj)
    concepts = []
    for node in sorted(
        n
        for n, said in about.items()
        if (str(SCHEME), None, None) in said.get(str(SKOS.inScheme), ())
    ):
        said = about[node]
        if ("true", None, _BOOLEAN) in said.get(str(OWL.deprecated), ()):
            continue  # kept for the links already published, never assigned again
        pref = [value for value, lang, _ in said.get(str(SKOS.prefLabel), ()) if lang == "zh"]
        alts = [value for value, _, datatype in said.get(str(SKOS.altLabel), ()) if datatype]
        dims = frozenset(value for value, _, _ in said.get(str(namespace.PIK.valueDimension), ()))
        label = pref[0] if pref else node
        variants = frozenset(normalise(clean_name(v)) for v in alts)
        concepts.append(Recorded(node, label, dims, variants))
    by_variant: dict[tuple[str, str], Recorded] = {}
    for concept in concepts:
        for variant in sorted(concept.variants):
            for dim in sorted(concept.dims):
                by_variant.setdefault((variant, dim), concept)
    return ConceptScheme(tuple(concepts), by_variant)


def _rdflib_object(term: object) -> _Object:
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return str(term), term.language, datatype or (_LANG_STRING if term.language else _STRING)
    return str(term), None, None


def scheme_from_graph(graph: Graph) -> ConceptScheme:
    return _read_scheme((str(s), str(p), _rdflib_object(o)) for s, p, o in graph)


def _oxigraph_object(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> _Object:
    if isinstance(term, ox.Literal):
        return term.value, term.language, term.datatype.value
    return term.value, None, None


@cache
def scheme() -> ConceptScheme:
    """The recorded scheme, parsed by pyoxigraph: rdflib's parser took a quarter of a second
    of every process's start-up for it."""
    source = resources.ontology(SCHEME_FILE)
    if not source.is_file():
        return _read_scheme(())
    triples = ox.parse(source.read_text(encoding="utf-8"), format=ox.RdfFormat.TURTLE)
    return _read_scheme(
        (t.subject.value, t.predicate.value, _oxigraph_object(t.object)) for t in triples
    )


@dataclass(frozen=True)
class Assignment:
    clean_name: str
    normalised: str
    dim: str
    iri: str
    label: str
    source: str  # scheme, rule, similar, minted, document


def level2_name(row: IndicatorRow) -> str:
    """The row's 二级 by its framework name where pikg knows it, else as written."""
    if row.level2 is None:
        return ""
    return row.level2.canonical or row.level2.label


@lru_cache(maxsize=1 << 16)
def _is_level_label(clean: str) -> bool:
    return bool(framework_module.load().lookup(clean))


@lru_cache(maxsize=1 << 16)
def rule_for(normalised: str, dim: str, level2: str = "") -> Rule | None:
    return next((r for r in rules() if r.fits(normalised, dim, level2)), None)


def _level_reading(row: IndicatorRow, normalised: str) -> str:
    """A name that is only a level label is read with its level: 满意度 under 满意度指标."""
    if normalised.startswith("满意") or "满意" in level2_name(row):
        return f"服务对象{normalised}" if "满意" in normalised else normalised
    return normalised


def assign(row: IndicatorRow, doc_key: str, known: ConceptScheme | None = None) -> Assignment:
    """The concept of one row; ``doc_key`` scopes concepts of names that are only level labels."""
    known = scheme() if known is None else known
    clean = clean_name(row.name)
    normalised = normalise(clean)
    dim = dimension(row)
    recorded = known.exact(normalised, dim)
    if recorded is not None:
        return Assignment(clean, normalised, dim, recorded.iri, recorded.label, "scheme")
    level_only = _is_level_label(clean)
    if level_only and dim == "money" and _below(row.target.value_normalized, UNIT_COST_MAX_YUAN):
        dim = "money:unit"
    reading = _level_reading(row, normalised) if level_only else normalised
    rule = rule_for(reading, dim, simplified(level2_name(row)))
    if rule is not None:
        return Assignment(clean, normalised, dim, concept_iri(rule.key), rule.zh, "rule")
    if level_only:
        key = _mint(f"{doc_key}|{row.project or ''}|{normalised}|{dim}")
        return Assignment(clean, normalised, dim, concept_iri(key), clean, "document")
    similar = known.closest(normalised, dim)
    if similar is not None:
        return Assignment(clean, normalised, dim, similar.iri, similar.label, "similar")
    return Assignment(
        clean, normalised, dim, concept_iri(minted_key(normalised, dim)), normalised, "minted"
    )


def annotate(result: Extraction) -> None:
    """Give every row of an extraction its clean name and concept (in place)."""
    doc_key = result.digest or result.doc
    for row in result.rows:
        found = assign(row, doc_key)
        row.clean_name = found.clean_name
        row.concept = found.iri
        row.concept_label = found.label


def assignments(results: Iterable[Extraction]) -> list[tuple[IndicatorRow, Assignment]]:
    """Every row with its assignment under the rules alone (the scheme left out): the build's view."""
    empty = scheme_from_graph(Graph())
    out: list[tuple[IndicatorRow, Assignment]] = []
    for result in results:
        doc_key = result.digest or result.doc
        out.extend((row, assign(row, doc_key, empty)) for row in result.rows)
    return out
