from __future__ import annotations

from pikg.parsing import script


def test_issue10_text_the_precheck_passes_over_converts_to_itself() -> None:
    """The converter runs only on text that holds something it converts: every entry of its
    tables, cut short or inside Simplified words, either is flagged or converts to itself."""
    converter = script._converter()
    entries = [key for _, _, table in converter.dict_cache.values() for key in table]
    for key in entries:
        for text in (key[1:], f"项目{key}完成率"):
            assert script.converts(text) or converter.convert(text) == text, text
    assert not script.converts("森林覆盖率≥71%，反复核查") and script.converts("反覆核查")
    assert script.simplified("韶關市交通運輸局") == "韶关市交通运输局"
