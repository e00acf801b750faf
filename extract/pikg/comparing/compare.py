"""Concept × region × year comparison of targets, each against its peers.

Peers of a target are the other targets of its concept in the same normalised unit, across
every document given (filters choose what is shown, not who the peers are). A target is an
outlier when it is far below its peers' median, or when it is a ceiling where most peers
set floors.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pikg.comparing.table import REGION_LEVELS

# A target this share below its peers' median is far below them.
FAR_BELOW = 0.15
MIN_PEERS = 2  # fewer peers than this say nothing about a target
FLOORS = ("≥", ">", "=")
CEILINGS = ("≤", "<")
COMPARE_COLUMNS = (
    "concept",
    "concept_label",
    "region",
    "year",
    "department",
    "project",
    "name",
    "operator",
    "value",
    "unit",
    "peers",
    "peer_median",
    "peer_min",
    "peer_max",
    "previous_year",
    "outlier",
    "doc",
)

# What the terminal table shows: the rest (IRIs, paths) is for csv and json.
TABLE_COLUMNS = tuple(c for c in COMPARE_COLUMNS if c not in ("concept", "doc"))


@dataclass(frozen=True)
class Filters:
    concept: str | None = None  # IRI, key (satisfaction.beneficiaries) or label
    level: str | None = None  # a 一级 or 二级 name
    region: str | None = None  # a region at any level, by name or administrative code
    year: int | None = None
    department: str | None = None  # a word of the department's name: 交通, 医疗保障


def _stem(name: str) -> str:
    for suffix in ("省", "市", "自治区", "自治州", "县", "区", "镇", "乡", "街道"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def region_matches(record: dict[str, Any], query: str) -> bool:
    """A region at any level: a province matches every county and township in it."""
    if query.isdigit():
        code = record.get("adcode") or ""
        return bool(code) and code.startswith(query.rstrip("0") or query)
    names = [record.get(level) for level in REGION_LEVELS]
    return any(n and (n == query or _stem(n) == _stem(query)) for n in names)


def concept_matches(record: dict[str, Any], query: str) -> bool:
    iri = record.get("concept") or ""
    label = record.get("concept_label") or ""
    return iri == query or iri.endswith(f"/{query}") or label == query


def selected(records: Iterable[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    out = []
    for r in records:
        if filters.concept and not concept_matches(r, filters.concept):
            continue
        if filters.level and filters.level not in (r.get("level1"), r.get("level2")):
            continue
        if filters.region and not region_matches(r, filters.region):
            continue
        if filters.year is not None and r.get("year") != filters.year:
            continue
        if filters.department and filters.department not in (r.get("department") or ""):
            continue
        out.append(r)
    return out


def region_path(record: dict[str, Any]) -> str:
    return "".join(record.get(level) or "" for level in REGION_LEVELS)


def _value(record: dict[str, Any]) -> float | None:
    value = record.get("value_normalized")
    return float(value) if isinstance(value, (int, float)) else None


def _shown(record: dict[str, Any]) -> str:
    """A target's value as compared: normalised number, ISO date, or the text as written."""
    value = _value(record)
    if value is not None:
        return f"{value:g}"
    return str(record.get("date_normalized") or record.get("value") or "")


def _outlier(record: dict[str, Any], peers: list[dict[str, Any]], median: float | None) -> str:
    operators = [p.get("operator") for p in peers]
    floors = sum(op in FLOORS for op in operators)
    if record.get("operator") in CEILINGS and floors > len(peers) / 2:
        return "ceiling-among-floors"
    value = _value(record)
    if (
        record.get("operator") in FLOORS
        and value is not None
        and median is not None
        and median > 0
        and value < median * (1 - FAR_BELOW)
    ):
        return "far-below-peers"
    return ""


def compare(records: list[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    """The selected targets, each with its peers' median, min and max, previous year, outlier."""
    by_group: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r.get("concept"):
            by_group[(r["concept"], r.get("unit_normalized") or "")].append(r)
    out = []
    for r in selected(records, filters):
        group = by_group.get((r.get("concept") or "", r.get("unit_normalized") or ""), [])
        peers = [p for p in group if p is not r]
        values = [v for p in peers if (v := _value(p)) is not None]
        median = statistics.median(values) if len(values) >= MIN_PEERS else None
        year = r.get("year")
        previous = sorted(
            {
                _shown(p)
                for p in peers
                if year is not None
                and p.get("year") == year - 1
                and region_path(p) == region_path(r)
            }
        )
        out.append(
            {
                "concept": r.get("concept"),
                "concept_label": r.get("concept_label"),
                "region": region_path(r) or None,
                "year": year,
                "department": r.get("department"),
                "project": r.get("project"),
                "name": r.get("name"),
                "operator": r.get("operator"),
                "value": _value(r) if _value(r) is not None else _shown(r),
                "unit": r.get("unit_normalized"),
                "peers": len(values),
                "peer_median": median,
                "peer_min": min(values) if len(values) >= MIN_PEERS else None,
                "peer_max": max(values) if len(values) >= MIN_PEERS else None,
                "previous_year": " ".join(previous) or None,
                "outlier": _outlier(r, peers, median) if len(values) >= MIN_PEERS else "",
                "doc": r.get("doc"),
            }
        )
    out.sort(
        key=lambda c: (
            c["concept_label"] or "",
            c["region"] or "",
            c["year"] or 0,
            c["doc"] or "",
            c["name"] or "",
        )
    )
    return out
