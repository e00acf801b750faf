"""Traditional characters read as Simplified, offset for offset, so that cue words and the
gazetteer match a page a mirror site converted to Traditional (韶關市 → 韶关市)."""

from __future__ import annotations

from functools import cache, lru_cache

from opencc import OpenCC

# Only this much of a document is converted to decide whether it is written in Traditional.
_SAMPLE = 4000


@cache
def _converter() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=8)  # the facts of one document read it several times
def simplified(text: str) -> str:
    """``text`` in Simplified characters, the same length (names are cut from the original by
    the offsets found in this one)."""
    sample = text[:_SAMPLE]
    if _converter().convert(sample) == sample:
        return text
    converted = str(_converter().convert(text))
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c) == 1 else ch for ch in text for c in [_converter().convert(ch)])
