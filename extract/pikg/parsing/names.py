"""Clean indicator names: the name a researcher would write, beside the name as written.

Documents decorate names with level prefixes glued on (``产出指标数量指标…``), marks (★ ■),
``(必填硬性指标)`` notes, template placeholders (``(≥**株)``), direction and nature words
(``正向``, ``定量``), units in brackets (``(万亩)``), and mirror sites leave Traditional
characters and pinyin glosses (``績效目標(biāo)``). None of that is part of what is measured.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pikg.parsing import framework as framework_module
from pikg.parsing import script
from pikg.parsing.targets import units

# A pinyin gloss a mirror site put after a character: 標(biāo), 執(zhí).
PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")
_MARKS = re.compile(r"[★☆■□▲△●○◆◇※✔✓√]+")
_SPACE = re.compile(r"\s+")
_NOTE = re.compile(
    r"[(（\[【]\s*(?:必填|选填|必选|可选|硬性|核心|共性|个性|定量|定性|正向|反向)[^)）\]】]*[)）\]】]"
)
_NOTE_WORD = re.compile(r"(?:必填|选填)(?:硬性)?(?:指标)?")
# Template placeholders: (≥**株), ××, XX, ……, ＿＿
_PLACEHOLDER_GROUP = re.compile(r"[(（][^)）]*(?:\*|×|＊|XX|xx)[^)）]*[)）]")
_PLACEHOLDER = re.compile(r"\*+|×{2,}|＊+|(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])|…+|_{2,}|＿+")
_NATURE = re.compile(r"(?:正向|反向|定量|定性)(?:指标)?$|^(?:正向|反向|定量|定性)(?:指标)?[:：]?")
_LEVEL_WORD = re.compile(r"^[一二三]级指标[:：]?")
# A 二级 name glued before the indicator: 预算(或投资规模)控制指标年度预算执行率.
_GLUED_LEVEL = re.compile(
    r"^[\u4e00-\u9fff、()（）]{0,14}?(?:效益|成本|产出|数量|质量|时效|满意度|影响|控制)指标[:：\-—]?"
)
_TRAILING_BRACKET = re.compile(r"[(（]([^()（）]{1,6})[)）]$")
_UNIT_CHARS = set("%％‰/·.万亿千百十立方平米公里顷亩吨斤克升瓦时")
_EDGE_PUNCT = " \t:：,，.。;；、-—_|"
MIN_REST = 2  # characters an indicator keeps after a glued level name, or it keeps the name


def _is_unit(text: str) -> bool:
    text = text.strip()
    single_measure_word = len(text) == 1 and "\u4e00" <= text <= "\u9fff"
    known = text in units() or text.lstrip("万千百亿") in units()
    return known or single_measure_word or all(ch in _UNIT_CHARS for ch in text)


@lru_cache(maxsize=1 << 16)  # names and units repeat across rows
def simplified(text: str) -> str:
    """NFKC, pinyin glosses dropped, Traditional characters folded to Simplified (OpenCC)."""
    return script.simplified(PINYIN_GLOSS.sub("", unicodedata.normalize("NFKC", text)))


def bracket_unit(name: str) -> str | None:
    """The unit a name gives in trailing brackets (``保障在职职工人数(人)`` → 人)."""
    m = _TRAILING_BRACKET.search(unicodedata.normalize("NFKC", name).strip())
    if m and _is_unit(m.group(1)):
        return m.group(1).strip()
    return None


def _strip_level_prefix(name: str) -> str:
    if framework_module.load().lookup(name):
        return name  # the name is only a level label: nothing to strip it from
    # Only full level names (…指标) are glued on as prefixes: a bare 绩效目标 or 产出 opens
    # real indicator names (绩效目标完成率).
    glued = framework_module.load().glued
    for level in glued if name.startswith(glued) else ():  # most names open with none
        if name.startswith(level) and len(name) - len(level) >= MIN_REST:
            return name[len(level) :].lstrip(_EDGE_PUNCT)
    m = _GLUED_LEVEL.match(name)
    if m and len(name) - m.end() >= MIN_REST:
        return name[m.end() :]
    return name


@lru_cache(maxsize=1 << 16)  # names repeat across projects and documents
def clean_name(name: str) -> str:
    """The indicator's name without decoration; the written name if nothing would be left."""
    text = simplified(name)
    text = _MARKS.sub("", text)
    text = _NOTE.sub("", text)
    text = _NOTE_WORD.sub("", text)
    text = _PLACEHOLDER_GROUP.sub("", text)
    text = _PLACEHOLDER.sub("", text)
    text = _SPACE.sub("", text)
    text = _LEVEL_WORD.sub("", text)
    text = _strip_level_prefix(text)
    for _ in range(2):  # a unit and a nature word can come in either order
        text = _NATURE.sub("", text.strip(_EDGE_PUNCT))
        m = _TRAILING_BRACKET.search(text)
        if m and _is_unit(m.group(1)) and m.start() >= MIN_REST:
            text = text[: m.start()]
    text = text.strip(_EDGE_PUNCT)
    return text or _SPACE.sub("", unicodedata.normalize("NFKC", name))
