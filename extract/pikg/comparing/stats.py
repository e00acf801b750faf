"""Quality statistics with explicit denominators, per document, region or year.

Each share is given with its numerator and denominator, so a reader sees what it is a share
of: rows without an operator, without a unit, qualitative, flagged (by code), and for
self-evaluations targets met, missed, and missed with a reason given.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from pikg.comparing.compare import region_path
from pikg.errors import UsageError

GROUPINGS = ("doc", "province", "region", "year")
STATS_COLUMNS = (
    "group",
    "rows",
    "no_operator",
    "no_operator_share",
    "no_unit",
    "no_unit_share",
    "numbers",
    "qualitative",
    "qualitative_share",
    "flagged",
    "flagged_share",
    "codes",
    "with_actual",
    "met",
    "missed",
    "missed_with_reason",
    "missed_share",
)


def _key(record: dict[str, Any], by: str) -> str:
    if by == "region":
        return region_path(record) or "(unknown)"
    value = record.get(by)
    return "(unknown)" if value is None else str(value)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def stats(records: list[dict[str, Any]], by: str = "doc") -> list[dict[str, Any]]:
    """One line per group; no_unit is out of the numeric rows, missed out of those with an actual."""
    if by not in GROUPINGS:
        raise UsageError(f"--by is one of {', '.join(GROUPINGS)}, not {by!r}")
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[_key(r, by)].append(r)
    out = []
    for key in sorted(groups):
        rows = groups[key]
        numbers = [r for r in rows if r.get("kind") == "number"]
        judged = [r for r in rows if r.get("met") is not None]
        missed = [r for r in judged if r.get("met") is False]
        codes: Counter[str] = Counter(
            code for r in rows for code in (r.get("finding_codes") or "").split()
        )
        no_operator = sum(
            1 for r in rows if r.get("kind") in ("number", "date") and not r.get("operator")
        )
        no_unit = sum(1 for r in numbers if not r.get("unit"))
        qualitative = sum(1 for r in rows if r.get("kind") == "text")
        flagged = sum(1 for r in rows if r.get("finding_codes"))
        with_reason = sum(1 for r in missed if r.get("deviation_reason"))
        out.append(
            {
                "group": key,
                "rows": len(rows),
                "no_operator": no_operator,
                "no_operator_share": _share(no_operator, len(rows)),
                "no_unit": no_unit,
                "no_unit_share": _share(no_unit, len(numbers)),
                "numbers": len(numbers),
                "qualitative": qualitative,
                "qualitative_share": _share(qualitative, len(rows)),
                "flagged": flagged,
                "flagged_share": _share(flagged, len(rows)),
                "codes": " ".join(f"{c}:{n}" for c, n in sorted(codes.items())) or None,
                "with_actual": len(judged),
                "met": len(judged) - len(missed),
                "missed": len(missed),
                "missed_with_reason": with_reason,
                "missed_share": _share(len(missed), len(judged)),
            }
        )
    return out
