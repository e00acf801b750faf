"""Administrative regions, resolved against a gazetteer of the PRC down to the township.

The gazetteer joins three data files: ``regions.tsv`` (cpca, 2020: provinces, prefectures,
counties), ``regions-since-2020.tsv`` (divisions created or renamed since, so 横县 and 横州市
both resolve) and ``townships.tsv`` (乡、镇、街道 with 9-digit adcodes). A township is only
looked for inside a county the text already names: short township names repeat all over the
country.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from pikg import resources

# Longest first: 自治县 before 县.
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "新区",
    "林区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
)
# Placeholder prefectures of cpca's table that are not places of their own.
_NOT_PLACES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_LONGEST_NAME = 12
# A child level is taken as the document's region when at least this share of the mentions
# below its parent fall inside it (a few 城关区 schools do not make a 兰州市 page 城关区's).
DESCEND_SHARE = 0.6


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, str]  # adcode → name, of provinces, prefectures and counties
    by_name: dict[str, tuple[str, ...]]  # province, prefecture and county names → adcodes
    by_stem: dict[str, tuple[str, ...]]  # the same without 省/市/县… (韶关 → 440200)


@dataclass(frozen=True)
class Townships:
    by_name: dict[str, str]  # township name (街道 also with 办, 办事处) → adcode
    names: dict[str, str]  # adcode → name


def stem(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


_AUTONOMOUS = re.compile(r"自治(州|县|旗)$")


@cache
def _ethnic_groups() -> re.Pattern[str]:
    words = sorted((row[0] for row in resources.read_data_lines("ethnic-groups.tsv")), key=len)
    return re.compile(rf"(?:(?:{'|'.join(reversed(words))})族?)+$")


def short_name(name: str) -> str:
    """An autonomous division as documents shorten it, without its peoples: 黔东南苗族侗族
    自治州 is 黔东南州, 清原满族自治县 清原县; any other name as it is."""
    m = _AUTONOMOUS.search(name)
    if m is None:
        return name
    base = _ethnic_groups().sub("", name[: m.start()])
    return base + m.group(1) if len(base) >= 2 else name


@cache
def gazetteer() -> Gazetteer:
    names: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    by_stem: dict[str, list[str]] = {}
    for file in ("regions.tsv", "regions-since-2020.tsv"):
        for code, name in resources.read_data_lines(file):
            if name in _NOT_PLACES:
                continue
            names.setdefault(code, name)
            if code not in by_name.setdefault(name, []):
                by_name[name].append(code)
            s = stem(name)
            if s != name and code not in by_stem.setdefault(s, []):
                by_stem[s].append(code)
    for code, name in list(names.items()):
        short = short_name(name)
        if short != name and short not in by_name:
            by_name[short] = [code]
    return Gazetteer(
        names,
        {k: tuple(v) for k, v in by_name.items()},
        {k: tuple(v) for k, v in by_stem.items()},
    )


def _townships(rows: Iterable[list[str]]) -> dict[str, Townships]:
    """The townships of ``rows`` (adcode, name) by county adcode."""
    out: dict[str, Townships] = {}
    for code, name in rows:
        inside = out.setdefault(code[:6], Townships({}, {}))
        inside.names[code] = name
        inside.by_name[name] = code
        if name.endswith("街道"):  # 某某街道办, 某某街道办事处
            inside.by_name[name + "办"] = inside.by_name[name + "办事处"] = code
    return out


@cache
def _township_table() -> str:
    return resources.data("townships.tsv").read_text(encoding="utf-8")


@lru_cache(maxsize=1 << 12)
def townships(county: str) -> Townships:
    """The townships of one county (its 6-digit adcode), read from the table when a text's
    county is resolved: most documents name a few counties, and reading all 38,000 townships
    took a fifth of a second of each process's start-up."""
    lines = re.finditer(rf"^{re.escape(county)}\d*\t[^\n]*$", _township_table(), re.MULTILINE)
    return _townships(m.group().split("\t") for m in lines).get(county, Townships({}, {}))


def _names(code: str) -> dict[str, str]:
    """The table of names ``code`` is looked up in: its county's townships, or the regions'."""
    return townships(code[:6]).names if len(code) > 6 else gazetteer().names


def region_name(code: str) -> str:
    """The name of a division of any level, a township's among them."""
    return _names(code)[code]


def chain(code: str) -> list[str]:
    """Province, prefecture, county and township codes of a division, those that exist."""
    levels = [code[:2] + "0000", code[:4] + "00", code[:6]] + ([code] if len(code) > 6 else [])
    out: list[str] = []
    for c in levels:
        if c in _names(c) and c not in out:
            out.append(c)
    return out


def _inside(code: str, parent: str) -> bool:
    """Whether ``code`` lies within ``parent`` (or is it)."""
    if len(parent) > 6:
        return code == parent
    if parent.endswith("0000"):
        return code[:2] == parent[:2]
    if parent.endswith("00"):
        return code[:4] == parent[:4]
    return code[:6] == parent


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    written: str
    codes: tuple[str, ...]


@lru_cache(maxsize=64)  # a document's facts scan its whole text several times
def mentions(text: str, stems: bool = False) -> tuple[Mention, ...]:
    """Every province, prefecture or county named in ``text`` (full names; with ``stems`` also
    韶关 for 韶关市), the longest where names overlap."""
    g = gazetteer()
    prefixes = _prefixes(stems)
    found: list[Mention] = []
    n = len(text)
    resume = 0  # the end of the name found last: what starts inside it is no other name's
    for at in _openings(stems).finditer(text):
        i = at.start()
        if i < resume or text[i : i + 2] not in prefixes:
            continue  # most candidates: their two characters begin no name
        best: Mention | None = None
        # Grow the word while it still begins a name, so each offset costs a few look-ups.
        limit = min(_LONGEST_NAME, n - i)
        length = 2
        while length <= limit:
            word = text[i : i + length]
            if word not in prefixes:
                break
            if codes := g.by_name.get(word):
                best = Mention(i, i + length, word, codes)
            elif stems and (codes := g.by_stem.get(word)):
                # A stem followed by a suffix is written with it: 华亭市 where the
                # gazetteer still has 华亭县.
                end = i + length
                suffix = next((s for s in SUFFIXES if text.startswith(s, end)), "")
                best = Mention(i, end + len(suffix), text[i : end + len(suffix)], codes)
            length += 1
        if best is not None:
            found.append(best)
            resume = best.end
    return tuple(found)


@cache
def _openings(stems: bool) -> re.Pattern[str]:
    """Where a name may begin: a first character of one followed by a second character of
    one (most characters of a text are neither), so the scan jumps between candidates."""
    names = [k for k in _prefixes(stems) if len(k) == 2]
    first = "".join(sorted({k[0] for k in names}))
    second = "".join(sorted({k[1] for k in names}))
    return re.compile(f"[{re.escape(first)}](?=[{re.escape(second)}])")


@cache
def _prefixes(stems: bool) -> frozenset[str]:
    """Every beginning of a name (and, with ``stems``, of a stem), its first character on."""
    g = gazetteer()
    names = (*g.by_name, *(g.by_stem if stems else ()))
    return frozenset(k[:j] for k in names for j in range(1, min(len(k), _LONGEST_NAME) + 1))


def _township_after(text: str, county: str) -> tuple[str, str] | None:
    """(adcode, written) of a township of ``county`` that ``text`` starts with."""
    inside = townships(county[:6]).by_name
    for length in range(min(_LONGEST_NAME, len(text)), 1, -1):
        word = text[:length]
        if word in inside:
            return inside[word], word
    return None


@cache
def township_names() -> frozenset[str]:
    """Every township's name, in any county: whether a short name can be one at all."""
    rows = resources.read_data_lines("townships.tsv")
    return frozenset(name for inside in _townships(rows).values() for name in inside.by_name)


def _township_of_named_county(anchor: str, evidence: Counter[str]) -> tuple[str, str] | None:
    """(adcode, written) of the township ``anchor`` starts with, in a county the text names
    elsewhere (城关镇人民政府 of a page that cites 竹山县财政局), the best supported; a
    township name no county of the text holds is not resolved."""
    counties = {c for c in evidence if not c.endswith("00")}
    hits = [hit for county in sorted(counties) if (hit := _township_after(anchor, county))]
    if not hits:
        return None
    return max(hits, key=lambda hit: (_support(hit[0][:6], evidence), -int(hit[0])))


def _support(code: str, evidence: Counter[str]) -> int:
    return sum(n for c, n in evidence.items() if _inside(c, code) or _inside(code, c))


def _pick(codes: Iterable[str], within: str | None, evidence: Counter[str]) -> str | None:
    candidates = [c for c in codes if within is None or _inside(c, within)]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (_support(c, evidence), -len(chain(c)), -int(c[:6])))


@lru_cache(maxsize=8)
def _evidence(text: str) -> Counter[str]:
    return Counter(c for m in mentions(text) for c in m.codes)


def resolve(anchor: str, text: str) -> list[tuple[str, str]] | None:
    """[(adcode, name)] province first, down to the deepest division ``anchor`` names in a run
    at its start (湖南省湘潭市湘潭县花石镇…, 韶关市委…, 韶关博物馆 by the stem 韶关), or None.

    A short name that several divisions share (鼓楼区) is resolved by the other names in
    ``text``; so is a township named without its county (城关镇…), inside a county the text
    names. The division named last keeps the name it is written with (华亭市 after the
    county became a city, 某某镇 for 某某镇财政所); its parents take the gazetteer's names.
    """
    evidence = _evidence(text)
    g = gazetteer()
    pos = 0
    chosen: str | None = None
    written: dict[str, str] = {}
    while pos < len(anchor):
        if (
            chosen is not None
            and len(chosen) == 6
            and (hit := _township_after(anchor[pos:], chosen))
        ):
            chosen = hit[0]  # a township keeps its gazetteer name: 五津街道 for 五津街道办事处
            break
        run = mentions(anchor[pos : pos + _LONGEST_NAME], stems=True)
        at_start = run[0].end if run and run[0].start == 0 else 0
        hit = _township_of_named_county(anchor, evidence) if chosen is None else None
        if hit and len(hit[1]) > at_start:  # 城关镇…, not the stem 城关 of some 城关区
            chosen = hit[0]
            break
        if not at_start:
            break
        pick = _pick(run[0].codes, chosen, evidence)
        if pick is None:
            break
        kept = stem(run[0].written) != run[0].written and run[0].written != short_name(
            g.names[pick]
        )
        written[pick] = run[0].written if kept else g.names[pick]  # 湘西州: 湘西土家族苗族自治州
        chosen = pick
        pos += run[0].end
    if chosen is None:
        return None
    return [(c, written[c] if c in written else region_name(c)) for c in chain(chosen)]


def prevailing(text: str) -> list[tuple[str, str]] | None:
    """The region most of ``text``'s place names lie in: the province they share, then each
    level down while one division holds ``DESCEND_SHARE`` of the mentions below it."""
    g = gazetteer()
    evidence: Counter[str] = Counter()
    for m in mentions(text):
        if len(m.codes) == 1:  # an ambiguous short name says nothing on its own
            for c in chain(m.codes[0]):
                evidence[c] += 1
    if not evidence:
        return None
    out: list[str] = []
    level = [c for c in evidence if c.endswith("0000")]
    while level:
        total = sum(evidence[c] for c in level)
        best = max(level, key=lambda c: (evidence[c], -int(c)))
        if evidence[best] < DESCEND_SHARE * total:
            break
        out.append(best)
        level = [c for c in evidence if c != best and chain(c)[:-1] == chain(best)]
        if out and level:
            below = sum(evidence[c] for c in level)
            if below < DESCEND_SHARE * evidence[best]:
                break
    return [(c, g.names[c]) for c in out] or None


def region_from_names(written: str) -> tuple[list[str], list[str]]:
    """(names, adcodes) of a region given as text (a sidecar's ``甘肃省平凉市华亭市``); names
    the gazetteer does not know are kept without a code."""
    resolved = resolve(written.replace(" ", "").replace("/", ""), written)
    if resolved:
        return [n for _, n in resolved], [c for c, _ in resolved]
    return [p for p in written.replace("/", " ").split() if p], []
