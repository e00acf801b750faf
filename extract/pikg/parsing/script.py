"""Traditional characters read as Simplified, offset for offset, so that cue words and the
gazetteer match a page a mirror site converted to Traditional (韶關市 → 韶关市)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from opencc import OpenCC

# Only this much of a document is converted to decide whether it is written in Traditional.
_SAMPLE = 4000


@cache
def _converter() -> OpenCC:
    return OpenCC("t2s")


@cache
def _converting() -> tuple[frozenset[str], re.Pattern[str]]:
    """What a text must hold for the converter to change it: a character it converts on its
    own (圖), or whole, a phrase it converts that holds none (反覆 → 反复). The converter only
    changes a text through an entry the text holds, so a text with none of these converts to
    itself, and the converter, which tries every substring against its tables, need not run."""
    characters: set[str] = set()
    phrases: set[str] = set()
    for _, _, table in _converter().dict_cache.values():
        for key, values in table.items():
            if values.split(" ")[0] != key:  # the converter takes the first of several readings
                (characters if len(key) == 1 else phrases).add(key)
    kept = sorted(p for p in phrases if characters.isdisjoint(p))
    return frozenset(characters), re.compile("|".join(map(re.escape, kept)) or r"(?!)")


def converts(text: str) -> bool:
    """Whether the converter could change ``text`` at all."""
    characters, phrases = _converting()
    return not characters.isdisjoint(text) or phrases.search(text) is not None


@lru_cache(maxsize=8)  # the facts of one document read it several times
def simplified(text: str) -> str:
    """``text`` in Simplified characters, the same length (names are cut from the original by
    the offsets found in this one)."""
    sample = text[:_SAMPLE]
    if not converts(sample) or _converter().convert(sample) == sample:
        return text
    converted = str(_converter().convert(text))
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c) == 1 else ch for ch in text for c in [_converter().convert(ch)])
