"""Issue 10: document facts on headers of shapes the devset does not show — an autonomous
prefecture or county written short, a year in brackets before 年度."""

from __future__ import annotations

from pikg.parsing import regions
from pikg.parsing.pipeline import extract_text

TABLE = """| 一级指标 | 二级指标 | 三级指标 | 指标值 |
| 产出指标 | 数量指标 | 培训人次 | ≥300人次 |
| | 时效指标 | 完成时间 | 2025年12月31日前 |
"""


def test_issue10_autonomous_prefecture_written_short_places_the_unit() -> None:
    text = f"部门名称：黔东南州三穗县水务局\n2024年项目支出绩效目标申报表\n单位：万元\n{TABLE}"
    facts = extract_text(text, "a.txt").facts
    assert facts.department == "黔东南州三穗县水务局"  # not prefixed with 三穗县 again
    assert facts.region == ["贵州省", "黔东南苗族侗族自治州", "三穗县"]


def test_issue10_short_forms_of_autonomous_divisions() -> None:
    assert regions.short_name("恩施土家族苗族自治州") == "恩施州"
    assert regions.short_name("清原满族自治县") == "清原县"
    assert regions.short_name("海西蒙古族藏族自治州") == "海西州"
    assert regions.short_name("鄂伦春自治旗") == "鄂伦春自治旗"  # no place left without its people
    assert [n for _, n in regions.resolve("湘西州财政局", "") or []] == [
        "湖南省",
        "湘西土家族苗族自治州",
    ]
    # 恩施州 is the prefecture, not the city 恩施市 its stem also names
    assert [c for c, _ in regions.resolve("恩施州利川市民政局", "") or []] == [
        "420000",
        "422800",
        "422802",
    ]


def test_issue10_year_in_brackets_before_niandu() -> None:
    text = (
        "（2023）年度项目支出绩效自评表\n| 项目名称 | 城市道路照明维护 | | |\n"
        f"| 主管部门 | 安顺市西秀区住房和城乡建设局 | 实施单位 | 西秀区路灯管理所 |\n{TABLE}"
    )
    assert extract_text(text, "a.txt").facts.year == 2023
    half_width = text.replace("（2023）", "(2023)")
    assert extract_text(half_width, "a.txt").facts.year == 2023


def test_issue10_unit_in_the_file_name_where_the_text_names_none() -> None:
    text = f"项目名称：森林防火\n{TABLE}"
    for name in (
        "2024_抚顺市清原满族自治县林业局_项目绩效目标.txt",
        "抚顺市清原满族自治县林业局2024年部门预算.pdf",
    ):
        facts = extract_text(text, name).facts
        assert facts.department == "抚顺市清原满族自治县林业局"
        assert facts.region == ["辽宁省", "抚顺市", "清原满族自治县"]
        assert facts.year == 2024
    assert (
        extract_text(text, "01_yulin-qingjian_transport_2021_target.txt").facts.department is None
    )


def test_issue10_unit_labels_and_a_numeral_year_opening_the_title() -> None:
    unit = "岳阳市君山区教育局"
    for head in (
        f"二〇二五年度{unit}项目支出绩效目标表",
        f"项目支出绩效目标表\n编报单位：{unit}",
        f"部门：{unit} 单位：万元\n2025 年项目支出绩效目标表",
    ):
        facts = extract_text(f"{head}\n{TABLE}", "a.txt").facts
        assert (facts.department, facts.year) == (unit, 2025), head


def test_issue10_seal_labels_and_the_unit_using_the_funds() -> None:
    sealed = f"填报单位（公章）:陇南市武都区统计局   填报日期:2023年12月\n2024年项目支出绩效目标表\n{TABLE}"
    facts = extract_text(sealed, "a.txt").facts
    assert (facts.department, facts.year) == ("陇南市武都区统计局", 2024)
    using = f"附件2\n项目绩效目标表\n（2025年）\n项目名称：秸秆综合利用\n资金使用单位：扎兰屯市农牧局\n{TABLE}"
    facts = extract_text(using, "a.txt").facts
    assert (facts.department, facts.year) == ("扎兰屯市农牧局", 2025)
    assert facts.region == ["内蒙古自治区", "呼伦贝尔市", "扎兰屯市"]
