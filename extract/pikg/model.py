"""What extraction produces: plain records that every later stage (RDF, SHACL, CLI) reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["number", "date", "text", "empty"]
LevelSource = Literal["stated", "inferred", "unknown"]
DocKind = Literal[
    "budget", "final-accounts", "target-table", "self-evaluation", "approval", "department-overall"
]
# Where a document fact comes from: the text states it, pikg inferred it from weaker evidence,
# the publication date gave the year, or a sidecar file supplied it.
FactSource = Literal["stated", "inferred", "published", "sidecar"]


@dataclass
class IndicatorRow:
    """One 三级指标 row with its target, located in the source text."""

    doc: str
    project: str | None
    level1: str | None
    level2: str | None
    level_source: LevelSource
    name: str
    operator: str | None
    operator_written: str | None
    value: str | None
    unit: str | None
    value_normalized: str | None
    unit_normalized: str | None
    kind: Kind
    actual: str | None
    raw: str
    start: int
    end: int
    scheme: str | None = None
    direction: str | None = None
    weight: str | None = None
    score: str | None = None
    deviation_reason: str | None = None
    # Set by parsing.concepts.annotate once the rows are built (issue 14).
    clean_name: str | None = None
    concept: str | None = None  # IRI of a skos:Concept of the pikg concept scheme
    concept_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Project:
    name: str
    amount: str | None = None
    amount_unit: str | None = None
    amount_yuan: str | None = None
    goal: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Unparsed:
    """A line inside an indicator section that no layout rule could read, kept verbatim."""

    text: str
    start: int
    end: int
    project: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DocumentMeta:
    """What a sidecar (``DOC.meta.json`` or a ``--meta`` CSV row) says about a document.

    Every value is optional; a given one overrides what pikg reads in the text.
    """

    source_url: str | None = None
    region: str | None = None
    department: str | None = None
    year: int | None = None
    kind: DocKind | None = None
    published: str | None = None  # ISO date


@dataclass
class DocumentFacts:
    department: str | None = None
    region: list[str] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)  # administrative codes, province first
    year: int | None = None
    kind: DocKind | None = None  # None where nothing in the text tells
    department_source: FactSource | None = None
    region_source: FactSource | None = None
    year_source: FactSource | None = None
    kind_source: FactSource | None = None
    published: str | None = None  # ISO date of publication, where the page or a sidecar gives it
    source_url: str | None = None


@dataclass
class Extraction:
    doc: str
    facts: DocumentFacts
    projects: list[Project]
    rows: list[IndicatorRow]
    unparsed: list[Unparsed]
    digest: str = ""  # SHA-256 of the decoded text: the document's identity

    def summary(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "department": self.facts.department,
            "region": self.facts.region,
            "region_codes": self.facts.region_codes,
            "year": self.facts.year,
            "kind": self.facts.kind,
            "department_source": self.facts.department_source,
            "region_source": self.facts.region_source,
            "year_source": self.facts.year_source,
            "kind_source": self.facts.kind_source,
            "published": self.facts.published,
            "source_url": self.facts.source_url,
            "projects": [p.to_dict() for p in self.projects],
            "rows": len(self.rows),
            "unparsed": len(self.unparsed),
        }
