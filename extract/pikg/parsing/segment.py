"""Word segmentation (jieba) and level inference for rows whose document states no levels.

A Chinese compound names its kind in its last word: 政策知晓率 is a 知晓率, 资金使用有效期 an
有效期. The head word is looked up in pikg's cue list (``data/cues.tsv``), whose words are also
pikg's jieba dictionary so they are cut whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

import array
import bisect
import hashlib
import logging
import os
import re
import struct
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path

from pikg import resources
from pikg.parsing.framework import Framework, Level
from pikg.parsing.targets import units

_PUNCT_CLASS = r"[\s()（）\[\]【】、,，.。:：;；\"“”'‘’-]"
_PUNCT = re.compile(rf"^{_PUNCT_CLASS}+$")
_TRAILING_PUNCT = re.compile(rf"{_PUNCT_CLASS}+$")
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


# How many looked-up fragments a tokenizer remembers: far more than a batch's names hold.
FRAGMENTS = 1 << 16


class Frequencies(Mapping[str, int]):
    """jieba's prefix dictionary (word → frequency, 0 for a prefix that is no word) as sorted
    arrays searched by bisection. jieba's own cache is a dict of half a million words that
    takes 1.5–2 s of CPU to unmarshal in every process; these arrays open in a tenth of that,
    and a batch only ever looks up the few thousand fragments of its indicator names."""

    # The file: total and the byte length of the words, the words joined by \n, the counts.
    _HEADER = struct.Struct("<qq")

    def __init__(self, words: list[str], counts: array.array[int]) -> None:
        self.words = words
        self.counts = counts
        # Fragments already searched for, to their index (-1: not a word): the same few
        # thousand, over and over (jieba asks each twice), each bisected once.
        self._found: dict[str, int] = {}

    @classmethod
    def write(cls, path: Path, freq: Mapping[str, int], total: int) -> None:
        words = sorted(freq)
        blob = "\n".join(words).encode("utf-8")
        counts = array.array("q", (freq[w] for w in words))
        part = path.with_name(f"{path.name}.{os.getpid()}")
        part.write_bytes(cls._HEADER.pack(total, len(blob)) + blob + counts.tobytes())
        os.replace(part, path)  # another process may be reading the old one

    @classmethod
    def read(cls, path: Path) -> tuple[Frequencies, int]:
        data = path.read_bytes()
        total, size = cls._HEADER.unpack_from(data)
        start = cls._HEADER.size
        counts = array.array("q")
        counts.frombytes(data[start + size :])
        return cls(data[start : start + size].decode("utf-8").split("\n"), counts), total

    def _index(self, word: str) -> int:
        found = self._found.get(word)
        if found is not None:
            return found
        i = bisect.bisect_left(self.words, word)
        found = i if i < len(self.words) and self.words[i] == word else -1
        if len(self._found) < FRAGMENTS:
            self._found[word] = found
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._index(word) >= 0

    def __getitem__(self, word: str) -> int:
        i = self._index(word)
        if i < 0:
            raise KeyError(word)
        return self.counts[i]

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        i = self._index(word)
        return self.counts[i] if i >= 0 else default

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


def _dictionary_file() -> Path:
    """pikg's dictionary in the cache, named for what it is built from: jieba's version and
    dictionary, and the cue words."""
    import jieba

    size = Path(jieba.__file__).with_name("dict.txt").stat().st_size
    key = "\n".join([jieba.__version__, str(size), *sorted(cues())])
    return cache_dir() / f"jieba-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.dict"


@cache
def tokenizer() -> jieba.Tokenizer:
    """pikg's own tokenizer: jieba's dictionary plus the cue words, cached under pikg's cache."""
    import jieba  # loaded on first use: importing it costs a second

    jieba.setLogLevel(logging.WARNING)
    path = _dictionary_file()
    if not path.is_file():
        built = jieba.Tokenizer()
        built.tmp_dir = str(cache_dir())
        built.cache_file = "jieba.cache"
        built.initialize()
        for word in cues():
            built.add_word(word, freq=100000)
        Frequencies.write(path, built.FREQ, built.total)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(cache_dir())
    tk.FREQ, tk.total = Frequencies.read(path)
    tk.initialized = True  # jieba would otherwise load its own dict over ours
    return tk


@cache
def _cue_endings() -> tuple[str, ...]:
    """The cue words; "" (every name) if one ends in punctuation, which the test strips."""
    if any(_PUNCT.match(word[-1:]) for word in cues()):
        return ("",)
    return tuple(cues())


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
    # The head word is the name's last word but punctuation, so a name that, punctuation
    # taken off its end, ends in no cue word has none for a head, and is not cut.
    heads = _TRAILING_PUNCT.sub("", name).endswith(_cue_endings())
    key = cues().get(head_word(name) or "") if heads else None
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
