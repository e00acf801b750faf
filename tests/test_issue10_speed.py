"""Issue 10's speed point: what extraction does to the interpreter to stay linear and fast.

The figures themselves are printed by ``bench/throughput.py``; these tests hold the
behaviour the speed-ups rely on.
"""

from __future__ import annotations

import gc

import pytest

from pikg import extract_text
from pikg.parsing import pipeline

TABLE = "三、绩效指标\n一级指标|二级指标|三级指标|指标值\n产出指标|数量指标|培训人次|≥200人次\n"


def test_issue10_cycle_collection_is_off_during_extraction_and_back_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    read_block = pipeline._read_block

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return read_block(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_read_block", spy)
    assert gc.isenabled()
    rows = extract_text(TABLE).rows
    assert [r.name for r in rows] == ["培训人次"]
    assert seen and not any(seen)
    assert gc.isenabled()


def test_issue10_a_caller_that_turned_collection_off_keeps_it_off() -> None:
    gc.disable()
    try:
        extract_text(TABLE)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_issue10_collection_is_back_after_a_failed_extraction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("a reader failed")

    monkeypatch.setattr(pipeline, "_read_block", broken)
    with pytest.raises(RuntimeError):
        extract_text(TABLE)
    assert gc.isenabled()
