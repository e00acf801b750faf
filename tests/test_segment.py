from __future__ import annotations

from pathlib import Path

import pytest

from pikg.parsing import framework, segment


@pytest.mark.parametrize(
    ("name", "unit", "expected"),
    [
        ("参保对象满意度", "%", ("满意度指标", "服务对象满意度指标")),
        ("资金使用有效期", None, ("产出指标", "时效指标")),
        ("对参保人员的可持续影响", "个月", ("效益指标", "可持续影响指标")),
        ("资助惠民保对象", "类", ("产出指标", "数量指标")),
        ("符合接种人群覆盖率", "%", (None, None)),
        ("对特殊人群待遇保障平均年度赔付率", "%", ("效益指标", None)),
    ],
)
def test_infer_levels(name: str, unit: str | None, expected: tuple[str | None, str | None]) -> None:
    fw = framework.load()
    l1, l2 = segment.infer_levels(name, unit, fw, framework.SCHEME_2021)
    assert (l1.label if l1 else None, l2.label if l2 else None) == expected


def test_cost_words_follow_the_scheme() -> None:
    fw = framework.load()
    l1, l2 = segment.infer_levels("培训费用", "万元", fw, framework.SCHEME_2021)
    assert (l1 and l1.label, l2) == ("成本指标", None)
    l1, l2 = segment.infer_levels("培训费用", "万元", fw, framework.SCHEME_2015)
    assert (l1 and l1.label, l2 and l2.label) == ("产出指标", "成本指标")


def test_tokenizer_keeps_domain_words_whole_and_caches_under_pikg() -> None:
    assert "知晓率" in segment.tokenizer().lcut("新冠疫苗接种政策知晓率")
    assert Path(segment.tokenizer().tmp_dir) == segment.cache_dir()


def test_issue10_dictionary_file_cuts_as_jiebas_own_dict(tmp_path: Path) -> None:
    """The bisected arrays pikg opens instead of jieba's unmarshalled dict give the same
    look-ups and the same cuts."""
    import io

    import jieba

    words = (
        "政策 40 n\n知晓 5 v\n知晓率 50 n\n接种 30 v\n疫苗 30 n\n新冠 20 n\n覆盖率 60 n\n覆盖 9 v\n"
    )
    plain = jieba.Tokenizer()
    plain.FREQ, plain.total = plain.gen_pfdict(io.BytesIO(words.encode("utf-8")))
    plain.initialized = True
    segment.Frequencies.write(tmp_path / "t.dict", plain.FREQ, plain.total)
    read = jieba.Tokenizer()
    read.FREQ, read.total = segment.Frequencies.read(tmp_path / "t.dict")
    read.initialized = True
    assert read.total == plain.total and dict(read.FREQ) == plain.FREQ
    assert "知晓" in read.FREQ and "知晓率的" not in read.FREQ and 0 not in read.FREQ
    assert read.FREQ.get("覆") == 0 and read.FREQ.get("缺") is None
    for text in ("新冠疫苗接种政策知晓率", "接种覆盖率不低于95%", "群众满意度"):
        assert read.lcut(text) == plain.lcut(text)
