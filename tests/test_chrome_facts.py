"""Department and year from a web page's chrome where the body does not give them (issue 13).

Each page is written by the test: a body with a target table, and around it a breadcrumb, a
footer or <meta> tags. The chrome ranks below the body's own evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pikg.parsing.pipeline import extract_file

from .formats.build import html_page

TABLE = {
    "rows": [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "新建农村供水工程", "≥6处"],
        ["满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%"],
    ]
}
NO_FACTS: list[dict[str, Any]] = [{"p": "项目支出绩效目标表"}, {"table": TABLE}]
STATED: list[dict[str, Any]] = [
    {"p": "项目支出绩效目标表（2022年度）"},
    {"p": "单位名称：某某县水务局"},
    {"table": TABLE},
]
PLAIN = '<div class="nav">首页 | 政务公开</div>'
NO_HOST = '<div id="footer">版权所有 网站标识码 0000000000</div>'

CASES: list[tuple[str, list[dict[str, Any]], dict[str, str], tuple[Any, ...]]] = [
    (
        "breadcrumb",
        NO_FACTS,
        {
            "nav": '<div class="breadcrumb">当前位置：首页 &gt; 部门信息公开 &gt; 某某县自然资源局'
            " &gt; 2025年部门预算公开</div>",
            "footer": NO_HOST,
        },
        ("某某县自然资源局", "stated", 2025, "stated"),
    ),
    (
        "meta-tags",
        NO_FACTS,
        {
            "head": '<meta name="ContentSource" content="某某市生态环境局">'
            '<meta name="PubDate" content="2024-03-05 10:20">',
            "nav": PLAIN,
            "footer": NO_HOST,
        },
        ("某某市生态环境局", "stated", 2024, "published"),
    ),
    (
        "footer-host",
        NO_FACTS,
        {"nav": PLAIN, "footer": '<div class="footer">主办：某某县林业局 技术支持：某某公司</div>'},
        ("某某县林业局", "stated", None, None),
    ),
    (
        "body-wins",
        STATED,
        {
            "head": '<meta name="ContentSource" content="某某县财政局">'
            '<meta name="PubDate" content="2023-01-20">',
            "nav": '<div class="breadcrumb">首页 &gt; 某某县人民政府 &gt; 2023年预算公开</div>',
            "footer": '<div id="footer">主办：某某县人民政府办公室</div>',
        },
        ("某某县水务局", "stated", 2022, "stated"),
    ),
]


@pytest.mark.parametrize(
    ("blocks", "chrome", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_issue13_facts_from_the_page_chrome(
    blocks: list[dict[str, Any]], chrome: dict[str, str], want: tuple[Any, ...], tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(html_page({"blocks": blocks, "html": chrome}, "gbk").encode("gbk"))
    result = extract_file(page)
    facts = result.facts
    got = (facts.department, facts.department_source, facts.year, facts.year_source)
    assert got == want
    assert [r.name for r in result.rows] == ["新建农村供水工程", "受益群众满意度"]
