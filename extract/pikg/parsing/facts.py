"""Document facts — department, region, budget year and kind — from everything a page carries.

Evidence, strongest first: form fields (``预算单位``, ``部门(单位)名称``, ``主管部门`` …), the
title (also split over lines, in Traditional characters, or in a converted file's meta tags),
the unit an approval (批复) is addressed to, web-page chrome (``发布机构``, ``来源``,
``发布时间``), the signature and date at the end, and last the names the whole text uses most.
A sidecar (``DocumentMeta``) overrides all of it, and every fact says where it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePath

from pikg import resources
from pikg.model import DocKind, DocumentFacts, DocumentMeta, FactSource, Project
from pikg.parsing import lexicon, regions
from pikg.parsing.fields import Field, read_fields
from pikg.parsing.script import simplified
from pikg.parsing.sections import FUNDS_LABEL
from pikg.parsing.targets import normalise_amount
from pikg.reading.decode import Source, normalise

# The title zone: the lines a reader takes the document's title and kind from.
TITLE_LINES = 15
# A title line longer than this is body text, not a title.
TITLE_MAX_CHARS = 80
# A unit named in the body at least this often is the department when nothing else names one.
PREVAILING_ORG_MIN = 3
# The end of a document where its signature and date stand.
SIGNATURE_CHARS = 400
# From this month on, a publication that says it is for the next year (提前下达) is for it.
NEXT_YEAR_FROM_MONTH = 10

_HAN = r"\u4e00-\u9fff"
_LEXICON = lexicon.load()
# What a year names when a report's word follows it: 2021年部门预算, 2022年度项目支出.
_REPORT = _LEXICON.pattern("report")
# Bodies whose name puts the party or front before the place: 中共某某市委…, 共青团某某县委.
_PARTY = re.compile(rf"^(?:{_LEXICON.pattern('party-prefix')})")
# Where a title stops naming its unit: a year, a count, the kind of report, punctuation.
_TITLE_STOP = re.compile(
    rf"\s*(?:\d|[一二三四五六七八九十]+个|{_REPORT}|{_LEXICON.pattern('title-stop')}|"
    r"[、,，:：;；|<>《》“”\"])"
)
# A title is not a sentence: no full stop, no comma between clauses, no colon before more text.
_SENTENCE = re.compile(r"[。,，;；]|[:：]\s*\S")
# What a table's title may open with: 附件3：, 附表1, 表2.
_ATTACHMENT = re.compile(
    r"^(?:附件|附表|表)\s*(?:[\d一二三四五六七八九十]+\s*[:：.、\-]?|[:：])\s*"
)
_TRAILING_NOTE = re.compile(r"\([^()]{1,4}\)$")  # 醴陵市医疗保障局(单位), …(本级)
_SPACE = re.compile(r"\s+")
_LEADING_CODE = re.compile(r"^(?:\[\d+\]|【\d+】|[\d\-—:：*.、]+)")  # 401-某某县…, [3]…
_HAN_RUN = re.compile(rf"[{_HAN}()]+")
_ISSUER = re.compile(rf"关于.{{0,60}}?(?:{_LEXICON.pattern('notice')})")
_SIGNED = re.compile(r"20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_ADDRESSEE = re.compile(rf"^\s*(?P<org>[{_HAN}()]{{2,40}})\s*[:：]\s*$", re.MULTILINE)
# An addressee that is a distribution list, not one unit: 各股室, 各乡镇、各有关单位.
_DISTRIBUTION = re.compile(r"各|.*、")
_DATE = re.compile(r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
# A date alone on its line, or after the unit that signs (某某局  2023年2月28日).
_SIGNATURE_DATE = re.compile(
    rf"(?:^|\n|[。])(?:[ \t]*[{_HAN}()]{{2,40}}[ \t]+)?[ \t]*(20\d{{2}})年(\d{{1,2}})月(\d{{1,2}})日[ \t]*(?:\n|$)"
)
# A year cited inside a notice's number (〔2021〕88号) or a quoted title (《…》) is not the
# budget year; nor is one inside a clause citing a request (根据…请示).
_CITED = re.compile(
    r"《[^》]{0,120}》|[〔\[【(]\s*20\d{2}\s*[〕\]】)](?!\s*年度)|"
    rf"根据[^。;；\n]{{0,80}}?(?:{_LEXICON.pattern('cited')})"
)
_YEAR_STATED = re.compile(r"(?<!\d)(?P<y>20\d{2})\s*(?:[)）]\s*)?年度")  # also （2023）年度
_YEAR_OF_REPORT = re.compile(
    rf"(?<!\d)(?P<y>20\d{{2}})\s*年\s*(?:度\s*)?(?:[^。\n]{{0,20}}?)(?:{_REPORT})"
)
# A table's own year line: (2021年度), 2019年度).
_YEAR_HEADING = re.compile(
    r"(?:^|[(（|])\s*(?P<y>20\d{2})\s*年度\s*(?:[)）|]|$)|"
    r"(?:目标|年度)\s*[(（]\s*(?P<of>20\d{2})\s*年\s*[)）]",  # 年度目标(2024年), not 上年(2022年)
    re.MULTILINE,
)
_YEAR_ANY = re.compile(r"(?<!\d)(?P<y>20\d{2})\s*年")
_YEAR_NOT_DATE = re.compile(r"(?<!\d)(?P<y>20\d{2})\s*年(?!\s*\d{1,2}\s*月)")  # not 2023年12月
_TWO_DIGIT_YEAR = re.compile(r"(?<![\d年])(?P<y>[12]\d)\s*年度")
# A year in a file's name or address, where the text names none: a word of its own
# (预算_2024_项目.pdf, 2024年部门预算.xls, /art/2024/6/7/), or the head of a date written as
# digits (upload20240325/, 202406/). Letters or digits around it make it part of a code or
# hash (a1f2024c), not a year.
_NAME_YEAR = re.compile(
    r"(?<![0-9A-Za-z])(?P<y>20\d{2})(?![0-9A-Za-z])"
    r"|(?<!\d)(?P<d>20\d{2})(?:0[1-9]|1[0-2])(?:[012]\d|3[01])?(?![0-9A-Za-z])"
)


@cache
def org_suffixes() -> tuple[str, ...]:
    words = [row[0] for row in resources.read_data_lines("org-suffixes.tsv")]
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1 << 16)  # every place name of the text is tried with each of its tails
def as_department(value: str) -> str | None:
    """The name of a public body in a field value or title segment, or None.

    Spaces that wrap a cell are dropped (某某市文化广电 和旅游局), as are a leading code
    (401-某某县文化和旅游局) and a short note in brackets at the end (…局(本级)); but a unit
    whole before its first space ends there (某某市人民政府办公室 版权所有).
    """
    first, space, _ = value.strip().partition(" ")
    if space and (unit := as_department(first)) and unit == _TRAILING_NOTE.sub("", first):
        return unit
    text = _LEADING_CODE.sub("", _SPACE.sub("", value))
    m = _HAN_RUN.match(text)
    if not m:
        return None
    text = _TRAILING_NOTE.sub("", m.group())
    for i in range(len(text), 2, -1):
        if text[:i].endswith(org_suffixes()):
            return text[:i]
    return None


def township_unit(name: str) -> str | None:
    """The body a township or street named alone governs through (某某镇 → 某某镇人民政府,
    某某街道 → 某某街道办事处), or None if ``name`` is no township's name."""
    ending = next((w for w in _LEXICON.words("township-unit") if name.endswith(w)), None)
    if ending is None or name not in regions.township_names():  # the ending first: the
        return None  # names of all townships are only read for a name that could be one
    return name + _LEXICON.entries["township-unit"][ending]


@dataclass(frozen=True)
class _Candidate:
    name: str
    source: FactSource


def _title_lines(text: str) -> list[str]:
    """The first TITLE_LINES non-blank lines, read line by line: splitting the whole text
    into lines would cost as much as the document is long."""
    lines: list[str] = []
    start = 0
    while len(lines) < TITLE_LINES and start <= len(text):
        end = _line_end(text, start)
        line = text[start:end].strip().strip("|").strip()
        if line:
            lines.append(line)
        start = end + 1
    return lines


def _title_unit(line: str, following: str) -> str | None:
    """The unit a title line starts with, where the line is a title and the unit all of its
    first segment: 某某县实验小学项目支出目标申报表; 醴陵市医疗保障局(单位) over a line
    部门决算. A unit followed by anything but the title's next word (a banner 某某县人民政府
    over the site's menu) is not the document's, nor is the issuer of a notice (某某财政局
    关于下达…的通知)."""
    line = arabic_dates(_ATTACHMENT.sub("", line))  # 二〇二五年度某某局…: 2025年度某某局…
    if len(line) > TITLE_MAX_CHARS or "|" in line or line.endswith((":", "：")):
        return None  # an addressee line (县交通局:) is not a title
    if _SENTENCE.search(line):
        return None  # 根据某某局《…》的部署,…。: a sentence of the body names its sources
    # 2024年度某某局…, 关于某某局2021年部门预算的说明
    body = re.sub(r"^(?:(?:20\d{2}|[12]\d)\s*年度?|关于)\s*", "", line)
    split = _TITLE_STOP.search(body)
    segment = body[: split.start()] if split else body
    written = _TRAILING_NOTE.sub("", re.sub(r"\s", "", segment))
    org = as_department(segment)
    if org is None or org != written:
        org = township_unit(written)  # 某某镇2023年部门预算: the township's government
    if org is None:
        return None
    rest = (body[len(segment) :] or following).lstrip()
    if not _TITLE_STOP.match(rest) or _ISSUER.match(rest) or _SIGNED.match(rest):
        return None  # …关于下达…的通知: an issuer; 某某局 over 2020年12月14日: a signature
    return org


# A signature line: a seal label before the unit, its date after it (某某局  2023年2月28日).
_SEAL = re.compile(r"^(?:[^:：]{0,6}[(（]\s*(?:盖章|公章|章)\s*[)）]|落款|签章)\s*[:：]?\s*")
_SIGNATURE_DATE_AFTER = re.compile(r"\s+20\d{2}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?$")


def _signature_units(tail: str) -> list[str]:
    """The units a document's end signs with: a line that is a unit's name, after a seal's
    label (单位(盖章):) or before its date."""
    out = []
    for line in arabic_dates(tail).split("\n"):
        name = _SIGNATURE_DATE_AFTER.sub("", _SEAL.sub("", line.strip()))
        if (org := as_department(name)) and org == re.sub(r"\s", "", name):
            out.append(org)
    return out


def _prevailing_org(text: str) -> str | None:
    """The unit with a place in its name that the body names most, if often enough."""
    counts = Counter(org for org, _ in _place_orgs(text) if len(org) > 4)
    if not counts:
        return None
    best, n = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))
    return best if n >= PREVAILING_ORG_MIN else None


_REPORT_AFTER_UNIT = re.compile(r"\s*(?P<y>20\d{2})\s*年度?\s*(?:部门|单位)?(?:预算|决算)")


_ORG_TAIL = re.compile(rf"[{_HAN}()]{{1,20}}")


@lru_cache(maxsize=8)  # the department candidates read them twice
def _place_orgs(text: str) -> tuple[tuple[str, int], ...]:
    """(unit, end offset) for every unit whose name starts with a place the gazetteer knows,
    the shortest body the place starts (南和区农业农村局, not …局贯彻执行…)."""
    out = []
    for m in regions.mentions(text):
        tail = _ORG_TAIL.match(text, m.end)  # not text[m.end:]: a copy of the rest per place
        if not tail:
            continue
        for i in range(2, len(tail.group()) + 1):
            name = m.written + tail.group()[:i]
            if is_department(name):
                out.append((name, m.end + i))
                break
    return tuple(out)


def is_department(name: str) -> bool:
    """Whether ``name`` is, whole, the name of a public body. A name the body's name equals
    ends in an organisation's suffix, so the others are told at once (names are tried with
    every tail, and most tails end in no suffix)."""
    return name.endswith(org_suffixes()) and as_department(name) == name


def _reporting_units(text: str) -> list[str]:
    """Units the body names as the owner of the report: 现将某某局2022年部门预算公开如下."""
    return [org for org, end in _place_orgs(text) if _REPORT_AFTER_UNIT.match(text, end)]


# How much longer a unit a project's name opens with may run (某某市委 → 某某市委宣传部).
OWNER_LONGER_CHARS = 4


def _project_owners(fields: tuple[Field, ...], text: str) -> list[str]:
    """The placed units that projects' names open with (项目名称: 某某县人民医院发热门诊改造
    工程 is 某某县人民医院's project): the shortest unit, or a longer one a few characters on."""
    out = []
    for f in fields:
        name = re.sub(r"\s", "", f.value) if f.key == "project" else ""
        units = [name[:i] for i in range(3, len(name)) if is_department(name[:i])]
        if not units or _placed(units[0], text) is None:
            continue
        longer = [u for u in units if len(u) <= len(units[0]) + OWNER_LONGER_CHARS]
        out.append(longer[-1])
    return out


# The words of the kinds whose tables a longer document carries under titles of their own.
_TABLE_TITLE = re.compile(
    "|".join(
        _LEXICON.pattern("kind-in-title", kind)
        for kind in ("target-table", "self-evaluation", "department-overall")
    )
)


def _table_title_units(text: str) -> list[str]:
    """Units that tables anywhere in the text are titled with: 附表3 / 某某局项目支出绩效目标
    表 below the pages of a budget's narrative. Only the lines a table's word is on are read."""
    units = []
    line_end = -1
    for m in _TABLE_TITLE.finditer(text):
        if m.start() <= line_end:
            continue  # a line already read
        start = text.rfind("\n", 0, m.start()) + 1
        line_end = _line_end(text, m.end())
        following = text[line_end + 1 : _line_end(text, _line_end(text, line_end + 1) + 1)]
        line = text[start:line_end].strip()
        if len(line) <= TITLE_MAX_CHARS and (
            unit := _title_unit(line, "".join(ln.strip() for ln in following.split("\n")))
        ):
            units.append(unit)
    return units


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _orgs(fields: tuple[Field, ...], key: str) -> list[str]:
    return [org for f in fields if f.key == key and (org := as_department(f.value))]


def _department_candidates(
    text: str, fields: tuple[Field, ...], kind: DocKind | None
) -> list[_Candidate]:
    """Every unit the document names as its own, best first."""
    titles = [f.value for f in fields if f.key == "title"] + _title_lines(text)
    title_units = []
    for i, line in enumerate(titles):
        unit = _title_unit(line, "".join(titles[i + 1 : i + 3]))
        if unit is None and i + 1 < len(titles):  # a title broken inside a word: 旅游\n局2021年度
            unit = _title_unit(line + titles[i + 1], "".join(titles[i + 2 : i + 4]))
        if unit:
            title_units.append(unit)
    addressees = [
        org
        for m in _ADDRESSEE.finditer(text[: len(text) // 2 + 200])
        if not _DISTRIBUTION.match(m.group("org")) and (org := as_department(m.group("org")))
    ]
    tail = text[-SIGNATURE_CHARS:]
    signature = _signature_units(tail)
    ordered: list[tuple[Iterable[str], FactSource]] = [(_orgs(fields, "unit"), "stated")]
    if kind == "approval":
        ordered.append((addressees, "stated"))
    ordered += [
        (title_units, "stated"),
        (_reporting_units(text), "stated"),
        (_table_title_units(text), "stated"),
        (_orgs(fields, "doer"), "stated"),
        (_orgs(fields, "supervisor"), "stated"),
        (addressees, "stated"),
        (_orgs(fields, "publisher"), "stated"),
        (signature, "stated"),
        (_project_owners(fields, text), "stated"),  # above the page's chrome: the body says it
    ]
    out = [_Candidate(name, source) for names, source in ordered for name in names]
    prevailing = _prevailing_org(text)
    if prevailing:
        out.append(_Candidate(prevailing, "inferred"))
    return out


# Between the items of a breadcrumb or a footer: 首页 > 某某局 > 部门预算.
_CHROME_SEPARATOR = re.compile(r"\s*(?:[>›»→|]|\s)\s*")


def _chrome(source: Source) -> str:
    """The page chrome, folded as the body is, one line a chrome block."""
    return simplified(normalise("\n".join(source.chrome))[0]) if source.chrome else ""


def _chrome_departments(chrome: str, fields: tuple[Field, ...]) -> list[_Candidate]:
    """Units the chrome names: its unit fields; the items of a breadcrumb or title that are
    a unit, or start with one (某某局2025年部门预算), the deepest first (a breadcrumb runs from
    the site's owner down to the department); the publisher (来源, ContentSource); and last
    the site's host (主办)."""
    items: list[str] = []
    for line in chrome.split("\n"):
        parts = [p for p in _CHROME_SEPARATOR.split(line) if p]
        units = []
        for i, part in enumerate(parts):
            org = as_department(part)
            if org is not None and org == re.sub(r"\s", "", part):
                units.append(org)
            elif unit := _title_unit(part, "".join(parts[i + 1 : i + 2])):
                units.append(unit)
        items += reversed(units)
    names = [*_orgs(fields, "unit"), *items, *_orgs(fields, "publisher"), *_orgs(fields, "host")]
    return [_Candidate(name, "stated") for name in names]


def _placed(name: str, text: str) -> list[tuple[str, str]] | None:
    return regions.resolve(_PARTY.sub("", name), text)


def _township_first(department: str, codes: list[str]) -> bool:
    """Whether a unit's name starts with its township's, not with the township's county: a
    township's unit keeps its county in its name (某某县城关镇人民政府), so that same-named
    townships' units stay apart."""
    if len(codes) < 2 or len(codes[-1]) <= 6:
        return False
    township = regions.region_name(codes[-1])
    return department.startswith(township) or department.startswith(regions.stem(township))


def _with_place(department: str, region: list[str]) -> str:
    """A unit named without its place takes the place of the document's region: 市交通运输局 of
    某某市 is 某某市交通运输局, 文物保护中心 of 某某县 is 某某县文物保护中心."""
    place = region[-1]
    if regions.stem(place) in department:
        return department  # 黔东南州三穗县水务局: named with its place, if not as the gazetteer is
    if department[0] in "省市县区州旗" and place.endswith(department[0]):
        return place + department[1:]
    return place + department


# The kinds of report, in a title line's order (the most specific kind first: 部门预算项目绩效
# 目标表 is a target table) and the title zone's (a budget wins over the target tables its
# table of contents may list); the words that name each are the lexicon's.
_TITLE_ORDER: tuple[DocKind, ...] = (
    "approval", "final-accounts", "self-evaluation", "department-overall", "target-table", "budget"
)  # fmt: skip
_ZONE_ORDER: tuple[DocKind, ...] = (
    "approval", "final-accounts", "self-evaluation", "budget", "department-overall", "target-table"
)  # fmt: skip
# A self-evaluation's columns: after a zone naming no report before it, they tell the kind.
_SELF_EVALUATION_COLUMNS = re.compile(_LEXICON.pattern("self-evaluation-column"))


@cache
def _kind_words(kind: DocKind, zone: bool) -> re.Pattern[str]:
    """The words naming ``kind`` (in a title line, or in the title zone), not where a longer
    word holds them (预决算 is no 决算)."""
    words = _LEXICON.pattern("kind-in-zone" if zone else "kind-in-title", kind)
    masks = _LEXICON.pattern("kind-not", kind)
    return re.compile(f"{masks}|({words})" if masks else f"({words})")


def _kind_named(text: str, order: tuple[DocKind, ...], zone: bool = False) -> DocKind | None:
    return next(
        (k for k in order if any(m.group(1) for m in _kind_words(k, zone).finditer(text))),
        None,
    )


def kind_of(text: str, title: str) -> DocKind | None:
    """The kind of report: from the document's title — its 标题 field or the first title line
    that names a kind (部门预算项目绩效目标表 is a target table) — else from the whole title
    zone, where a budget's table of contents may list target tables, else from the columns of
    a self-evaluation."""
    zone = _uncited(title)
    lines = [ln for ln in zone.split("\n") if len(ln) <= TITLE_MAX_CHARS and "|" not in ln]
    for line in lines:
        if kind := _kind_named(line, _TITLE_ORDER):
            return kind
    before, after = _ZONE_ORDER[:4], _ZONE_ORDER[4:]
    if kind := _kind_named(zone, before, zone=True):
        return kind
    if _SELF_EVALUATION_COLUMNS.search(text) and "目标值" in text:
        return "self-evaluation"
    if kind := _kind_named(zone, after, zone=True):
        return kind
    # A passage of a budget (预算拨款, 收入预算) with no title; a bare indicator table could
    # belong to any kind of report.
    return "budget" if "预算" in text else None


def _uncited(text: str) -> str:
    """``text`` with cited notices blanked out, offsets kept."""
    return _CITED.sub(lambda m: " " * len(m.group()), text)


def _published(fields: tuple[Field, ...], text: str) -> str | None:
    for f in fields:
        if f.key == "published" and (m := _DATE.search(f.value)):
            return f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
    dates = list(_SIGNATURE_DATE.finditer(arabic_dates(text[-SIGNATURE_CHARS:])))
    if dates:  # the last date of the signature block
        y, mo, d = dates[-1].groups()
        return f"{y}-{int(mo):02d}-{int(d):02d}"
    return None


# Chinese numerals as years and dates are written in titles and signatures: 二〇二四年三月五日.
_NUMERAL_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                   "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_NUMERAL_YEAR = re.compile(r"二[〇零○][〇零○一二三四五六七八九]{2}(?=\s*年)")
_NUMERAL_MONTH_DAY = re.compile(
    r"(?<=年)([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})日)?"
)
# A period: of one year (2021.1.1-12.31, 2023年1月1日至2023年12月31日) it names the budget
# year; of several (2024-2026年, 实施期2023年1月至2025年12月) it is a project's span, and
# only its first year may be the budget year.
_MONTH = r"[.\-/年]\s*\d{1,2}\s*(?:[.\-/月]\s*\d{1,2}\s*日?|月份?)"
_TO = r"\s*(?:[-—–~～至到]|——)\s*"
_PERIODS = (
    re.compile(
        rf"(?<!\d)(?P<a>20\d{{2}})\s*{_MONTH}{_TO}"
        rf"(?:(?P<b>20\d{{2}})\s*(?:{_MONTH})?|\d{{1,2}}\s*[.\-/月]\s*\d{{1,2}}\s*日?)"
    ),
    re.compile(rf"(?<!\d)(?P<a>20\d{{2}})\s*年?{_TO}(?P<b>20\d{{2}})\s*年度?"),
)


def _numeral(written: str) -> int:
    """一 … 三十一 as a number."""
    if "十" not in written:
        return _NUMERAL_DIGITS[written]
    tens, _, ones = written.partition("十")
    return (_NUMERAL_DIGITS[tens] if tens else 1) * 10 + (_NUMERAL_DIGITS[ones] if ones else 0)


def arabic_dates(text: str) -> str:
    """``text`` with years and dates in Chinese numerals written in digits (二〇二四年 → 2024年,
    二〇二四年三月五日 → 2024年3月5日); for reading years, not offsets."""
    if not _NUMERAL_YEAR.search(text):
        return text
    text = _NUMERAL_YEAR.sub(lambda m: "".join(str(_NUMERAL_DIGITS[c]) for c in m.group()), text)

    def month_day(m: re.Match[str]) -> str:
        day = f"{_numeral(m.group(2))}日" if m.group(2) else ""
        return f"{_numeral(m.group(1))}月{day}"

    return _NUMERAL_MONTH_DAY.sub(month_day, text)


def _periods(text: str, blank: bool) -> tuple[str, list[int], list[int]]:
    """``text`` with each period blanked out (its years are not the years the text names) or
    written as its first year (2024-2026年 → 2024年, offsets kept); the years of its one-year
    periods and the first years of the longer ones."""
    one: list[int] = []
    first: list[int] = []

    def replace(m: re.Match[str]) -> str:
        a = m.group("a")
        (one if m.group("b") in (None, a) else first).append(int(a))
        return " " * len(m.group()) if blank else f"{a}年".ljust(len(m.group()))

    for pattern in _PERIODS:
        text = pattern.sub(replace, text)
    return text, one, first


def year_published(published: str, kind: DocKind | None, text: str = "") -> int:
    """The budget year a publication date implies: a 决算 or a 自评 report looks back on the
    year before the one it is published in; a target table or budget published late in the
    year that says it is for the next one (提前下达, 下一年度) is for the year after."""
    year = int(published[:4])
    if kind in ("final-accounts", "self-evaluation"):
        return year - 1
    late = int(published[5:7]) >= NEXT_YEAR_FROM_MONTH
    if late and re.search(_LEXICON.pattern("next-year"), text):
        return year + 1
    return year


def year_of(
    text: str, title: str, published: str | None, kind: DocKind | None = None
) -> tuple[int | None, FactSource | None]:
    """The budget year and where it comes from: stated in the title zone (2023年度, 2021年部门
    预算, 二〇二四年, the first year of 2024-2026年), a form's 预算年度, the body's own year
    headings ((2023年度), 年度目标(2024年)), the report its unit names (现将某某局2021年度部门
    决算公开如下) or a one-year period (2021.1.1-12.31); else the publication date (see
    ``year_published``); else the year the text names most, outside periods of several years."""
    head = _periods(_uncited(arabic_dates(title)), blank=False)[0]
    for pattern in (_YEAR_STATED, _YEAR_OF_REPORT):
        if m := pattern.search(head):
            return int(m.group("y")), "stated"
    if m := _TWO_DIGIT_YEAR.search(head):  # 19年度部门整体支出绩效目标
        return 2000 + int(m.group("y")), "stated"
    title_line = next((ln for ln in head.split("\n") if ln.strip()), "")
    if len(title_line) <= TITLE_MAX_CHARS and (m := _YEAR_NOT_DATE.search(title_line)):
        return int(m.group("y")), "stated"  # 关于下达2024年某某补助资金的通知
    for f in read_fields(text):
        if f.key == "year" and (m := re.search(r"20\d{2}", arabic_dates(f.value))):
            return int(m.group()), "stated"
    body, one, first = _periods(_uncited(arabic_dates(text)), blank=True)
    stated = Counter(int(m.group("y") or m.group("of")) for m in _YEAR_HEADING.finditer(body))
    if not stated:
        stated = Counter(
            int(m.group("y"))
            for _, end in _place_orgs(text)
            if (m := _REPORT_AFTER_UNIT.match(text, end))
        )
    if stated or one:
        return (stated or Counter(one)).most_common(1)[0][0], "stated"
    if published:
        return year_published(published, kind, text), "published"
    named = Counter(int(m.group("y")) for m in _YEAR_ANY.finditer(body))
    if named:
        best = max(named.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return best, "inferred"
    if first:
        return min(first), "inferred"
    return None, None


_NAME_PARTS = re.compile(r"[_\s.·()（）\[\]【】—-]+")


def _file_name_units(stem: str) -> list[str]:
    """Units a file's name gives as one of its parts, where the text names none
    (2024_某某县林业局_项目绩效目标, 某某县林业局2024年部门预算): whoever saved it saw them."""
    units = []
    for part in _NAME_PARTS.split(stem):
        unit = _title_unit(part, "")  # the unit a title opens with, or a part all one unit
        if unit is None and as_department(part) == part:
            unit = part
        if unit is not None:
            units.append(unit)
    return units


def _title_zone(text: str, fields: tuple[Field, ...]) -> str:
    titles = [f.value for f in fields if f.key == "title"]
    return "\n".join([*titles, *_title_lines(text)])


def read_facts(source: Source, meta: DocumentMeta | None = None) -> DocumentFacts:
    text = simplified(source.text)
    fields = read_fields(text)
    title = _title_zone(text, fields)
    kind = kind_of(text, title)
    facts = DocumentFacts(kind=kind, kind_source="inferred" if kind else None)
    facts.published = _published(fields, text)
    facts.year, facts.year_source = year_of(text, title, facts.published, kind)

    candidates = _department_candidates(text, fields, kind)
    chrome = _chrome(source)
    if chrome:
        # The page around the body (breadcrumb, footer, <meta>) ranks below what the body
        # itself states, above the names the body merely uses most.
        chrome_fields = read_fields(chrome)
        stated = [c for c in candidates if c.source == "stated"]
        candidates = [
            *stated,
            *_chrome_departments(chrome, chrome_fields),
            *candidates[len(stated) :],
        ]
        if facts.year is None or facts.year_source == "inferred":
            published = facts.published or _published(chrome_fields, chrome)
            year, year_source = year_of(chrome, _title_zone(chrome, chrome_fields), published, kind)
            if year is not None and year_source != "inferred":
                facts.year, facts.year_source = year, year_source
        facts.published = facts.published or _published(chrome_fields, chrome)
    candidates += [_Candidate(u, "inferred") for u in _file_name_units(PurePath(source.path).stem)]
    if candidates:
        first = candidates[0]
        facts.department, facts.department_source = first.name, first.source
    # The region: the first unit that names its place, then the page's place names.
    placed = next((r for c in candidates if (r := _placed(c.name, text))), None)
    region_source: FactSource = "stated"
    if placed is None:
        placed = regions.prevailing(text)
        region_source = "inferred"
    if placed:
        facts.region = [name for _, name in placed]
        facts.region_codes = [code for code, _ in placed]
        facts.region_source = region_source
    if (
        facts.department
        and facts.region
        and (region_source == "stated" or facts.region[-1] in title)  # a place the title names
        and not _placed(facts.department, text)
    ):
        facts.department = _with_place(facts.department, facts.region)
        facts.department_source = "inferred"
    elif facts.department and _township_first(facts.department, facts.region_codes):
        facts.department = facts.region[-2] + facts.department  # 城关镇… → 某某县城关镇…
    if meta is not None:
        apply_meta(facts, meta, text)
    if facts.year is None or facts.year_source == "inferred":
        # What the text does not state, the page's address may (the year it was published
        # in), else the file's name (the year whoever named it saw in it).
        if (year := year_in_name(facts.source_url or "")) is not None:
            facts.year, facts.year_source = year_published(f"{year}-01", facts.kind), "inferred"
        elif (year := year_in_name(PurePath(source.path).name)) is not None:
            facts.year, facts.year_source = year, "inferred"
    return facts


def year_in_name(name: str) -> int | None:
    """The one year a file's name or an address carries (see ``_NAME_YEAR``), else None: a
    name that carries two (2023-2025规划.pdf) does not say which is the budget year."""
    years = {int(m.group("y") or m.group("d")) for m in _NAME_YEAR.finditer(name)}
    return years.pop() if len(years) == 1 else None


def apply_meta(facts: DocumentFacts, meta: DocumentMeta, text: str = "") -> None:
    """A sidecar's values replace what was read, and are marked as coming from it."""
    facts.source_url = meta.source_url or facts.source_url
    if meta.published:
        facts.published = meta.published
        if facts.year_source in (None, "inferred", "published"):
            facts.year = year_published(meta.published, facts.kind, text)
            facts.year_source = "published"
    if meta.department:
        facts.department, facts.department_source = meta.department, "sidecar"
    if meta.region:
        facts.region, facts.region_codes = regions.region_from_names(meta.region)
        facts.region_source = "sidecar"
    if meta.year:
        facts.year, facts.year_source = meta.year, "sidecar"
    if meta.kind:
        facts.kind, facts.kind_source = meta.kind, "sidecar"


# How a project's name ends; a form value that does not, continued on the next line by one
# that does, was wrapped (…渠道防渗 | 改造工程).
_PROJECT_END = re.compile(rf"(?:{_LEXICON.pattern('project-end')})$")
# How the name of a project listed in prose, or quoted, ends.
_PROJECT_HEAD = _LEXICON.pattern("project-end", "head")
# The most a wrapped name carries on to its next line.
CONTINUATION_CHARS = 20


def _continuation(text: str, end: int) -> str:
    """What the line below a value adds to it, where the value's cell wraps: the first cell of
    the next line when the label column there is empty, or the whole short next line."""
    line_end = text.find("\n", end)
    if line_end < 0:
        return ""
    next_end = text.find("\n", line_end + 1)
    line = text[line_end + 1 : next_end if next_end >= 0 else len(text)]
    if line.lstrip().startswith("|"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[0]:
            return ""
        return cells[1]
    line = line.strip()
    if re.search(r"[:：|]", line) or read_fields(line):
        return ""
    return line


def form_projects(source: Source) -> list[Project]:
    """The projects the document's forms name (项目名称, 专项(项目)名称, 资金名称), as written
    and whole where a cell wraps, with their funds where the form gives them (资金总额 in 万元
    or 元); then the numbered projects of a budget's 绩效目标 section."""
    text = simplified(source.text)
    fields = read_fields(text)
    projects: list[Project] = []
    for i, f in enumerate(fields):
        if f.key != "project":
            continue
        name = re.sub(r"\s", "", source.raw(f.start, f.end)).strip("|")
        more = _continuation(text, f.end)
        wrapped = more and not _PROJECT_END.search(name) and len(more) <= CONTINUATION_CHARS
        if wrapped and _PROJECT_END.search(name + more):
            name += re.sub(r"\s", "", more)
        if not (2 <= len(name) <= 60) or is_department(name) or _HEADER.search(name):
            continue
        if _HEADER_RUN.fullmatch(name):
            continue
        project = Project(name=name)
        funds = _funds_after(fields, i)
        if funds and (amount := re.match(r"[\d,]+(?:\.\d+)?", funds.value.replace(" ", ""))):
            project.amount = amount.group().replace(",", "")
            project.amount_unit = _funds_unit(text, funds.start)
            project.amount_yuan = normalise_amount(project.amount, project.amount_unit)[0]
        projects.append(project)
    return projects + _numbered_projects(source, text)


def _funds_after(fields: tuple[Field, ...], i: int) -> Field | None:
    """The first 资金总额 field after field ``i`` and before the next 项目名称, if any (read in
    place: a copy of the fields after each project's would grow with their square)."""
    for j in range(i + 1, len(fields)):  # not islice, which walks the fields before i again
        later = fields[j]
        if later.key == "project":
            return None
        if later.key == "funds":
            return later
    return None


_ITEM = re.compile(
    r"^\s*(?:\d+[.、．]|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)\s*"
    rf"(?P<name>[^。：:，,；;\n]{{2,40}}?(?:{_PROJECT_HEAD}))[。：:，,]"
    r"(?P<rest>[^\n]*)$",
    re.MULTILINE,
)
_AMOUNT = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>万元|元)")


def _numbered_projects(source: Source, text: str) -> list[Project]:
    """A budget's list of projects with targets: numbered lines (1.某某经费。项目金额…万元,
    （一）某某项目，预算资金…) right after a line about 绩效目标, each with its amount."""
    out: list[Project] = []
    lines = text.split("\n")
    offset = 0
    in_list = False
    for line in lines:
        m = _ITEM.match(line)
        if (
            m
            and in_list
            and not FUNDS_LABEL.fullmatch(m.group("name"))
            and (amount := _AMOUNT.search(m.group("rest")))
        ):
            start = offset + m.start("name")
            name = re.sub(r"\s", "", source.raw(start, start + len(m.group("name"))))
            unit = amount.group("u")
            out.append(
                Project(name, amount.group("n"), unit, normalise_amount(amount.group("n"), unit)[0])
            )
        elif line.strip():
            in_list = "绩效目标" in line and not m
        offset += len(line) + 1
    return out


# A report's title naming its project: 2023年某某补贴资金绩效自评报告, 某某工程项目绩效目标表.
_TITLE_OF_PROJECT = re.compile(
    rf"(?:\S+?关于)?(?P<name>[^()（）:：,，。\s“”\"]{{2,40}}?(?:{_PROJECT_HEAD}))(?:项目)?(?:支出)?"
    r"绩效(?:自评|评价|目标)(?:报告|表|情况|的批复|批复)?"
)
# What is left of a titled name that names no one project (2023年项目, 年度重点项目).
_GENERIC_PROJECT = re.compile(rf"(?:\d{{4}}年度?)?(?:年度|部门|重点|专项)?(?:{_PROJECT_HEAD})?")


def titled_project(source: Source) -> str | None:
    """A project a report names under its title, in brackets (2022年度项目支出绩效自评报告 /
    （城乡特困人员救助供养资金）), or in the title itself (某某局2023年某某补贴资金绩效自评报告,
    the body's name without the body)."""
    text = simplified(source.text)
    for line in _title_lines(text)[:4]:
        m = re.fullmatch(rf"[(（](?P<name>[^()（）]{{2,40}}(?:{_PROJECT_HEAD}))[)）]", line)
        if m:
            return m.group("name")
        m = _TITLE_OF_PROJECT.fullmatch(line)
        if m:
            name = m.group("name")
            body = as_department(name)
            name = name[len(body) :] if body and name.startswith(body) else name
            if not _GENERIC_PROJECT.fullmatch(name):
                return name
    return None


# A project a report quotes: 实施“某某补助资金”项目, “某某建设项目” (not a term such as
# “三公”经费 or a quoted 经费 line of its accounts).
_QUOTED_PROJECT = re.compile(r"[“\"](?P<name>[^“”\"\n]{4,40}?)(?:[”\"]项目|项目[”\"])")


def quoted_project(source: Source) -> str | None:
    """The project a report without a 项目名称 quotes most often (first, where tied)."""
    text = simplified(source.text)
    spans: dict[str, tuple[int, int]] = {}
    counts: Counter[str] = Counter()
    for m in _QUOTED_PROJECT.finditer(text):
        end = m.end() - 1 if m.group().endswith(("”", '"')) else m.end("name")
        name = text[m.start("name") : end]
        spans.setdefault(name, (m.start("name"), end))
        counts[name] += 1
    if not counts:
        return None
    best = max(counts, key=lambda name: (counts[name], -spans[name][0]))
    return source.raw(*spans[best])


# A column header, not a name: 预算金额(万元), 金额.
_HEADER = re.compile(r"\((?:万)?元\)$|^(?:预算)?金额$|^资金")
# A 项目名称 "value" that is the rest of the header row (项目名称 预算金额 年度绩效目标).
_HEADER_RUN = re.compile(
    "(?:{})+".format(
        "|".join(re.escape(h) for h in sorted(_LEXICON.headers, key=len, reverse=True))
    )
)
_UNIT_NOTE = re.compile(r"\((万?元)\)")
# How far from a 资金总额 a form states the unit of its amounts: 项目资金(万元).
FUNDS_UNIT_CHARS = 200


def _funds_unit(text: str, at: int) -> str:
    """万元 or 元, as the nearest unit note around a form's funds says; 万元 if none does."""
    notes = [
        (abs(m.start() - at), m.group(1))
        for m in _UNIT_NOTE.finditer(text, max(0, at - FUNDS_UNIT_CHARS), at + FUNDS_UNIT_CHARS)
    ]
    return min(notes)[1] if notes else "万元"


# A project named only in its indicators: 完成2021年某某培训任务, 某某补助资金到位率.
_PROJECT_IN_INDICATOR = (
    re.compile(
        rf"完成(?P<name>20\d{{2}}年[{_HAN}]{{2,20}}?)(?:{_LEXICON.pattern('project-in-indicator', 'task')})"
    ),
    re.compile(
        rf"(?P<name>[{_HAN}]{{2,16}}?(?:{_LEXICON.pattern('project-in-indicator', 'funds')}))"
        rf"(?:{_LEXICON.pattern('project-in-indicator', 'measure')})"
    ),
)


def indicator_project(source: Source) -> str | None:
    """The project a document without a 项目名称 names in its indicators, if any."""
    text = simplified(source.text)
    counts: Counter[tuple[int, int]] = Counter()
    names: dict[str, tuple[int, int]] = {}
    for pattern in _PROJECT_IN_INDICATOR:
        for m in pattern.finditer(text):
            key = names.setdefault(m.group("name"), m.span("name"))
            counts[key] += 1
    if not counts:
        return None
    (start, end), _ = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0]))
    return source.text[start:end]
