"""What extraction produces: plain records that every later stage (RDF, SHACL, CLI) reads."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["number", "date", "text", "range", "empty"]
LevelSource = Literal["stated", "inferred", "unknown"]
DocKind = Literal[
    "budget", "final-accounts", "target-table", "self-evaluation", "approval", "department-overall"
]
# Where a document fact comes from: the text states it, pikg inferred it from weaker evidence,
# the publication date gave the year, or a sidecar file supplied it.
FactSource = Literal["stated", "inferred", "published", "sidecar"]


@dataclass(frozen=True, slots=True)
class Target:
    """A target (or an achieved value) as written and as meant.

    ``operator`` is what the target means (a deadline `…前` means ≤ with nothing written),
    ``operator_written`` what the source wrote. ``lower``/``upper`` are the bounds in the
    normalised unit: an interval `80%-90%` has both, `≥95%` only ``lower``, `±3%以内` is
    [-3, 3]. ``value_normalized`` is a decimal string in the base unit, or an ISO date.
    """

    operator: str | None
    operator_written: str | None
    value: str | None
    unit: str | None
    kind: Kind
    value_normalized: str | None
    unit_normalized: str | None
    lower: Decimal | None = None
    upper: Decimal | None = None


EMPTY_TARGET = Target(None, None, None, None, "empty", None, None)


@dataclass(frozen=True, slots=True)
class LevelRef:
    """A level cell: its name as the source wrote it, and the framework concept it names."""

    label: str
    iri: str | None  # None where the name is in no framework pikg knows
    canonical: str | None = None


@dataclass(slots=True)
class IndicatorRow:
    """One 三级指标 row with its target, located in the source text."""

    doc: str
    project: str | None
    level1: LevelRef | None
    level2: LevelRef | None
    level_source: LevelSource
    name: str
    target: Target
    raw: str
    start: int
    end: int
    scheme: str | None = None
    actual: Target | None = None
    actual_written: str | None = None
    met: bool | None = None  # whether the achieved value meets the target, where comparable
    completion: str | None = None  # a completion rate as written (累计完成率 103%)
    direction: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation_reason: str | None = None
    period: str | None = None  # the column's period where a table has several (全年, 年度)
    column: str | None = None  # the value column's own header (a recipient, a period)
    # Where in the file the row was read (documents read from tables: PDF, office, web pages).
    page: int | None = None
    sheet: str | None = None
    cells: str | None = None  # the spreadsheet range, e.g. A5:D5
    table: int | None = None  # the table's number in the document, from 0
    # Set by parsing.concepts.annotate once the rows are built (issue 14).
    clean_name: str | None = None
    concept: str | None = None  # IRI of a skos:Concept of the pikg concept scheme
    concept_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready strings, keys in the published order."""
        t = self.target
        return {
            "doc": self.doc,
            "project": self.project,
            "level1": self.level1.label if self.level1 else None,
            "level2": self.level2.label if self.level2 else None,
            "level_source": self.level_source,
            "name": self.name,
            "operator": t.operator,
            "operator_written": t.operator_written,
            "value": t.value,
            "unit": t.unit,
            "value_normalized": t.value_normalized,
            "unit_normalized": t.unit_normalized,
            "kind": t.kind,
            "actual": self.actual_written,
            "raw": self.raw,
            "start": self.start,
            "end": self.end,
            "scheme": self.scheme,
            "direction": self.direction,
            "weight": _text(self.weight),
            "score": _text(self.score),
            "deviation_reason": self.deviation_reason,
            "lower": _text(t.lower),
            "upper": _text(t.upper),
            "met": self.met,
            "completion": self.completion,
            "period": self.period,
            "column": self.column,
            "level1_iri": self.level1.iri if self.level1 else None,
            "level2_iri": self.level2.iri if self.level2 else None,
            "page": self.page,
            "sheet": self.sheet,
            "cells": self.cells,
            "table": self.table,
            "clean_name": self.clean_name,
            "concept": self.concept,
            "concept_label": self.concept_label,
        }


def _text(number: Decimal | None) -> str | None:
    return None if number is None else format(number, "f")


@dataclass
class Project:
    name: str
    amount: str | None = None
    amount_unit: str | None = None
    amount_yuan: str | None = None
    goal: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Unparsed:
    """A line inside an indicator section that no layout rule could read, kept verbatim."""

    text: str
    start: int
    end: int
    project: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EmptySection:
    """A performance section from which no indicator row was read, while its project has none
    elsewhere in the document either: a document finding, since its targets may be lost."""

    start: int
    end: int
    first_line: str  # as written
    project: str | None = None


SkipReason = Literal[
    "header", "page-number", "total", "boilerplate", "contact", "narrative", "level", "restated"
]


@dataclass(frozen=True, slots=True)
class Skip:
    """A span of a performance section that is deliberately not a row, and why."""

    reason: SkipReason
    start: int
    end: int


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
    format: str = "text"  # what the file was read as: text, pdf, xlsx, xls, docx, doc, html
    skipped: list[Skip] = field(default_factory=list)
    empty_sections: list[EmptySection] = field(default_factory=list)
    line_starts: tuple[int, ...] = ()  # the offset where each line of the source starts

    def line(self, offset: int) -> int | None:
        """The 1-based line of the source holding ``offset``; None where lines are unknown."""
        return bisect.bisect_right(self.line_starts, offset) if self.line_starts else None

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
