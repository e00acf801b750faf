"""Word segmentation (jieba) and level inference for rows whose document states no levels.

A Chinese compound names its kind in its last word: 政策知晓率 is a 知晓率, 资金使用有效期 an
有效期. The head word is looked up in pikg's cue list (``data/cues.tsv``), whose words are also
pikg's jieba dictionary so they are cut whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

import logging
import os
import re
from functools import cache, lru_cache
from pathlib import Path

from pikg import resources
from pikg.parsing.framework import Framework, Level
from pikg.parsing.targets import units

_PUNCT = re.compile(r"^[\s()（）\[\]【】、,，.。:：;；\"“”'‘’-]+$")
# 对…的影响, 对特殊人群…赔付率: framed as an effect on someone, which is what 效益 measures.
_EFFECT_FRAMING = re.compile(r"^对[\u4e00-\u9fff]{2,}")


def cache_dir() -> Path:
    base = os.environ.get("PIKG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pikg"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


@cache
def cues() -> dict[str, str]:
    return {
        row[0]: (row[1] if len(row) > 1 else "") for row in resources.read_data_lines("cues.tsv")
    }


@cache
def tokenizer() -> jieba.Tokenizer:
    """pikg's own tokenizer: jieba's dictionary plus the cue words, cached under pikg's cache."""
    import jieba  # loaded on first use: importing it costs a second

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(cache_dir())
    tk.cache_file = "jieba.cache"
    tk.initialize()
    for word in cues():
        tk.add_word(word, freq=100000)
    return tk


@lru_cache(maxsize=1 << 16)  # names repeat across projects and documents
def head_word(name: str) -> str | None:
    words = [w for w in tokenizer().lcut(name) if not _PUNCT.match(w)]
    return words[-1] if words else None


def _in_scheme(framework: Framework, key: str, scheme: str) -> Level | None:
    level = framework.levels.get(key)
    if level is None:
        return None
    if scheme in level.schemes:
        return level
    # The same name in the other scheme (成本指标 is a 一级 in 2021, a 二级 before).
    for other in framework.levels.values():
        if other.label == level.label and scheme in other.schemes:
            return other
    return None


def infer_levels(
    name: str, unit: str | None, framework: Framework, scheme: str
) -> tuple[Level | None, Level | None]:
    """(一级, 二级) read from an indicator's words, or (None, None) where a reader cannot tell."""
    level: Level | None = None
    head = head_word(name)
    key = cues().get(head or "")
    if key:
        level = _in_scheme(framework, key, scheme)
    elif _EFFECT_FRAMING.match(name):
        level = framework.levels.get("benefit")
    elif key == "":
        return None, None
    elif unit is not None and (info := units().get(unit)) is not None and info.dimension == "count":
        level = framework.levels.get("quantity")
    if level is None:
        return None, None
    if level.depth == 1:
        return level, None
    return framework.parent(level), level
