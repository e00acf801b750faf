"""Administrative regions named by a department, resolved against a gazetteer of the PRC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pikg import resources

# Longest first: 自治县 before 县.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "新区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
)


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, str]  # adcode → name
    by_name: dict[str, tuple[str, ...]]
    by_stem: dict[str, tuple[str, ...]]


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def gazetteer() -> Gazetteer:
    names: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    by_stem: dict[str, list[str]] = {}
    for code, name in resources.read_data_lines("regions.tsv"):
        names[code] = name
        by_name.setdefault(name, []).append(code)
        by_stem.setdefault(_stem(name), []).append(code)
    return Gazetteer(
        names,
        {k: tuple(v) for k, v in by_name.items()},
        {k: tuple(v) for k, v in by_stem.items()},
    )


def _chain(code: str) -> list[str]:
    """Province, prefecture, county codes of a division, those that exist."""
    g = gazetteer()
    chain = [code[:2] + "0000", code[:4] + "00", code]
    out: list[str] = []
    for c in chain:
        if c in g.names and c not in out:
            out.append(c)
    return out


_PLACE = re.compile(rf"[\u4e00-\u9fff]{{1,10}}?(?:{'|'.join(_SUFFIXES)})")


def region_of(department: str, text: str) -> list[tuple[str, str]]:
    """[(code, name)] of province, prefecture, county as far as the department's name states them.

    The unit named in the department keeps the name it is written with (澄江市 after the
    county became a city); its parents take the gazetteer's names.
    """
    g = gazetteer()
    pos = 0
    chosen: str | None = None
    written: dict[str, str] = {}
    while pos < len(department):
        m = _PLACE.match(department, pos)
        if m is None:
            break
        place = m.group()
        codes = g.by_name.get(place) or g.by_stem.get(_stem(place), ())
        if not codes:
            break
        if chosen is not None:
            inside = [
                c
                for c in codes
                if c.startswith(chosen.rstrip("0")[:4] if chosen[2:] != "0000" else chosen[:2])
            ]
            codes = tuple(inside) or codes
        best = max(codes, key=lambda c: (sum(text.count(g.names[p]) for p in _chain(c)), -int(c)))
        written[best] = place
        chosen = best
        pos = m.end()
    if chosen is None:
        return []
    return [(c, written.get(c, g.names[c])) for c in _chain(chosen)]
