"""Deadlines and milestones (minsheng.ingest.schedule; rules in docs/plan-schema.md)."""

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.ingest.quantities import extract_targets
from minsheng.ingest.schedule import parse_deadline, parse_milestones, parse_schedule_cells


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("11月底", 2024, "2024-11-30"),
        ("11月底前", 2024, "2024-11-30"),
        ("2023年底", 2024, "2023-12-31"),
        ("2023年7月", 2024, "2023-07-31"),
        ("9月份", 2024, "2024-09-30"),
        ("5月18日", 2024, "2024-05-18"),
        ("年底", 2024, "2024-12-31"),
        ("年底前", 2023, "2023-12-31"),
        ("全年", 2024, "2024-12-31"),
        ("2月底", 2024, "2024-02-29"),
        ("2月底", 2023, "2023-02-28"),
        ("三季度", 2024, "2024-09-30"),
        ("第四季度", 2024, "2024-12-31"),
        ("上半年", 2024, "2024-06-30"),
        ("4月-8月", 2024, "2024-08-31"),
        ("十一月底", 2024, "2024-11-30"),
        ("2024年11月底前", 2024, "2024-11-30"),
        ("明年3月底", 2024, "2025-03-31"),
        ("2024-06-30", 2024, "2024-06-30"),
        ("6月底前完成主体,11月底前竣工", 2024, "2024-11-30"),
        ("原则上半年度完成全年目标的60%、11月底前全面完成年度目标任务", 2024, "2024-11-30"),
    ],
)
def test_parse_deadline(text, year, expected):
    assert parse_deadline(text, year) == expected


@pytest.mark.parametrize("text", ["", "长期", "持续推进", "--", "6个月内", "每月"])
def test_parse_deadline_none(text):
    assert parse_deadline(text, 2024) is None


def _ms(text, targets_text="", year=2024):
    return parse_milestones(text, year, extract_targets(targets_text))


def _rows(ms):
    return [(m["due"], m["percent"], m["value"], m["cumulative"], m["target"]) for m in ms]


def test_schema_example():
    ms = _ms(
        "3月底前确定项目点位以及实施名单; 6月底前开展项目设计及招标; "
        "9月底前完成新增助餐服务点不少于100个; 11月底全面完成建设任务。",
        "新增老年助餐服务点227个",
    )
    assert ms == [
        {"due": "2024-03-31", "percent": None, "value": None, "cumulative": None, "target": None},
        {"due": "2024-06-30", "percent": None, "value": None, "cumulative": None, "target": None},
        {"due": "2024-09-30", "percent": None, "value": 100, "cumulative": True, "target": None},
        {"due": "2024-11-30", "percent": 100, "value": None, "cumulative": True, "target": None},
    ]


def test_percent_words():
    ms = _ms(
        "3月底前完成项目进度的20%; 6月底前完成形象进度50%; 7月底前占比进度70%; "
        "9月底前完成任务过半; 10月底前基本完成; 11月底前确保完成目标任务。",
        "完成回迁安置3.5万户",
    )
    assert [(m["due"][5:], m["percent"], m["value"]) for m in ms] == [
        ("03-31", 20, None),
        ("06-30", 50, None),
        ("07-31", 70, None),
        ("09-30", 50, None),
        ("10-31", 100, None),
        ("11-30", 100, None),
    ]
    assert all(m["cumulative"] is True for m in ms)


def test_rate_of_the_target_is_a_value_not_a_percent():
    ms = _ms(
        "3月底前全市省内异地结算定点医院开通率90%; 6月底前开通率95%; 11月底前开通率100%。",
        "省内异地结算定点医院开通率达100%",
    )
    assert _rows(ms) == [
        ("2024-03-31", None, 90, True, None),
        ("2024-06-30", None, 95, True, None),
        ("2024-11-30", None, 100, True, None),
    ]


def test_progress_percent_of_a_rate_target_stays_a_percent():
    ms = _ms("6月底前完成项目进度的50%;9月底前覆盖率达到80%;11月底前完成率达100%。", "社区覆盖率达到90%")
    assert [(m["percent"], m["value"]) for m in ms] == [(50, None), (None, 80), (100, None)]


def test_a_figure_wins_over_completion_words():
    ms = _ms("11月底前确保全部完成新(改)建城市公园65个。", "新(改)建城市公园65个")
    assert _rows(ms) == [("2024-11-30", None, 65, True, None)]


def test_quarterly_own_shares_add_up_to_the_target():
    ms = _ms(
        "一季度:完成社保补贴1300人。\n二季度:完成社保补贴1400人。\n三季度:完成社保补贴1500人。\n四季度:完成社保补贴1300人。",
        "为符合条件的就业困难人员落实社会保险补贴政策约5500人次。",
    )
    assert _rows(ms) == [
        ("2024-03-31", None, 1300, False, None),
        ("2024-06-30", None, 1400, False, None),
        ("2024-09-30", None, 1500, False, None),
        ("2024-12-31", None, 1300, False, None),
    ]


def test_quarterly_figures_climbing_to_the_target_are_cumulative():
    ms = _ms("一季度完成50个;二季度完成120个;三季度完成180个;四季度完成200个。", "改造老旧小区200个")
    assert [m["cumulative"] for m in ms] == [True, True, True, True]
    assert [m["value"] for m in ms] == [50, 120, 180, 200]


def test_dated_figures_are_running_totals():
    ms = _ms(
        "3月底前完成城镇新增就业6万人; 6月底前完成城镇新增就业13万人; 9月底前完成20万人; 11月底前确保完成25万人。",
        "城镇新增就业25万人",
    )
    assert _rows(ms) == [
        ("2024-03-31", None, 60000, True, None),
        ("2024-06-30", None, 130000, True, None),
        ("2024-09-30", None, 200000, True, None),
        ("2024-11-30", None, 250000, True, None),
    ]


def test_bracketed_sections_name_the_target():
    ms = _ms(
        "[新开工保障房100万平方米] 3月底前开工保障房不少于20万平方米; 11月底前完成开工保障房100万平方米任务。\n"
        "[分配公租房实物配租房源6000套] 3月底前推出公租房实物配租房源不少于1500套; 6月底前累计推出3000套。",
        "新开工保障房100万平方米,分配公租房实物配租房源6000套",
    )
    assert _rows(ms) == [
        ("2024-03-31", None, 200000, True, 0),
        ("2024-11-30", None, 1000000, True, 0),
        ("2024-03-31", None, 1500, True, 1),
        ("2024-06-30", None, 3000, True, 1),
    ]


def test_line_sections_name_the_target():
    ms = _ms("出租车更新:3月底完成采购。\n新增公交车:9月底完成采购。", "更新出租车60辆,新增公交车10辆。")
    assert _rows(ms) == [("2024-03-31", None, None, None, 0), ("2024-09-30", None, None, None, 1)]


def test_a_step_on_its_own_line_is_no_section_label():
    ms = _ms(
        "3月底前:\n完成方案设计;\n9月底前:\n完成新建学校10所;\n11月底前:\n完成新建学校20所。",
        "新建学校20所,改造操场5个",
    )
    assert _rows(ms) == [
        ("2024-03-31", None, None, None, None),
        ("2024-09-30", None, 10, True, 0),
        ("2024-11-30", None, 20, True, 0),
    ]


def test_figures_are_matched_to_targets_by_their_words():
    ms = _ms(
        "二季度:承办市级以上教学研讨2次、结对共建校“同课异构”活动3次,开展3个优势学科培育和3个精品项目创建工作。",
        "承办市级以上教学研讨活动5次、结对共建校“同课异构”3次,差异化培育优势学科3个、精品项目3个",
    )
    assert [(m["value"], m["target"]) for m in ms] == [(2, 0), (3, 1), (3, 2), (3, 3)]


def test_figures_that_measure_no_target_are_dropped():
    # 400人次 of visits is not the 260场次 of activities the item promises
    ms = _ms(
        "一季度:组织开展未成年人关爱保护活动60场次,走访关爱留守儿童和困境儿童400人次。",
        "组织开展未成年人关爱保护活动260场次",
    )
    assert _rows(ms) == [("2024-03-31", None, 60, False, None)]
    # an item with no targets has nothing a figure could measure
    assert _rows(_ms("一季度:组织开展1场法律讲座。", "组织退役士兵适应性培训")) == [
        ("2024-03-31", None, None, None, None)
    ]


def test_person_units_and_generic_classifier_are_compatible():
    ms = _ms("三季度:完成85间新建“梦想小屋”验收。", "建设85个事实无人抚养儿童“梦想小屋”。")
    assert _rows(ms) == [("2024-09-30", None, 85, False, None)]
    ms = _ms("一季度:开展学习,完成57人的培训工作。", "开展1057名全科医生适宜技术培训。新建1家四级中医馆")
    assert _rows(ms) == [("2024-03-31", None, 57, False, 0)]


def test_a_month_inside_a_quarter_refines_its_date():
    ms = _ms("三季度:改造项目施工、竣工。\n四季度:装备项目10月底前完成县级项目验收。")
    assert [m["due"] for m in ms] == ["2024-09-30", "2024-10-31"]


def test_start_dates_and_background_months_open_no_step():
    ms = _ms("二季度:进行提标测算。三季度:从7月份起,对照新标准及时发放困境儿童基本生活费。")
    assert [m["due"] for m in ms] == ["2024-06-30", "2024-09-30"]
    ms = _ms("因农时原因需待11月晚稻收割后才能验收完成,推进计划为: 3月底前落实实施任务、占比进度30%。")
    assert [(m["due"], m["percent"]) for m in ms] == [("2024-03-31", 30)]


def test_ranges_pace_and_per_month_figures():
    ms = _ms(
        "1月-3月进行工作部署; 3月底前开展项目招投标工作; 4月明确执行单位并开始执行; "
        "5月-8月每月完成青少年防溺水公益培训250堂,6月底前完成率达50%以上; 9月底前完成所有培训任务。",
        "举办青少年防溺水公益培训1000堂",
    )
    assert _rows(ms) == [
        ("2024-03-31", None, None, None, None),
        ("2024-03-31", None, None, None, None),
        ("2024-04-30", None, None, None, None),
        ("2024-08-31", None, 250, False, None),
        ("2024-06-30", 50, None, True, None),
        ("2024-09-30", 100, None, True, None),
    ]
    ms = _ms("3月底前下达任务指标,平均每月完成1000余场; 6月底前完成率达50%以上。", "举办全民健身活动10000场")
    assert _rows(ms) == [("2024-03-31", None, None, None, None), ("2024-06-30", 50, None, True, None)]


def test_same_date_within_one_sentence_is_one_step():
    ms = _ms("10月-11月,第三方机构评估验收,确保11月底前所有项目完工。", "新建群众身边体育健身设施300处")
    assert _rows(ms) == [("2024-11-30", 100, None, True, None)]


def test_year_prefixes_and_days():
    ms = _ms("西门片区:\n2023年:11月18日进场施工。\n2024年6月底竣工,投入使用。")
    assert [m["due"] for m in ms] == ["2023-11-18", "2024-06-30"]
    assert [m["due"] for m in _ms("2月底前完成方案", year=2024)] == ["2024-02-29"]


def test_scope_repeated_every_quarter_is_no_progress():
    ms = _ms(
        "一季度:对8个镇街网络进行优化;完成2345户补贴。\n二季度:对8个镇街所有住户进行终端置换;完成2345户补贴。\n"
        "三季度:完成8个镇街终端置换;完成2010户补贴。\n四季度:迎接上级部门验收。",
        "建设8个镇街智慧广电乡村项目。为全县6700户农村低保户给予收视维护费补贴。",
    )
    assert _rows(ms) == [
        ("2024-03-31", None, 2345, False, 1),
        ("2024-06-30", None, 2345, False, 1),
        ("2024-09-30", None, 2010, False, 1),
        ("2024-12-31", None, None, None, None),
    ]


def test_plain_dict_targets_still_work():
    targets = [{"value": 115, "unit": "公里", "op": ">="}, {"value": 60, "unit": "所", "op": ">="}]
    ms = parse_milestones("6月底前完成50公里; 9月底前完成30所。", 2024, targets)
    assert [(m["value"], m["target"]) for m in ms] == [(50, 0), (30, 1)]


def test_no_dates_no_milestones():
    assert parse_milestones("", 2024, []) == []
    assert parse_milestones("按计划推进,确保按时完成。", 2024, []) == []


def test_schedule_cells():
    targets = extract_targets("开展高素质农民培训2800人次。")
    ms = parse_schedule_cells(
        [
            ("一季度", "谋划全年培训课程"),
            ("二季度", "开展高素质农民培训800人"),
            ("三季度", "培训1000人"),
            ("四季度", "培训1000人"),
        ],
        2024,
        targets,
    )
    assert _rows(ms) == [
        ("2024-03-31", None, None, None, None),
        ("2024-06-30", None, 800, False, None),
        ("2024-09-30", None, 1000, False, None),
        ("2024-12-31", None, 1000, False, None),
    ]


def test_schedule_cells_labels_and_empty_cells():
    ms = parse_schedule_cells(
        [("第一季度", "完成30%"), ("第二季度", "--"), ("3月底", "开工"), ("备注", "完成100%"), ("1-9月", "完成80%")],
        2024,
        [],
    )
    assert [(m["due"], m["percent"]) for m in ms] == [("2024-03-31", 30), ("2024-03-31", None), ("2024-09-30", 80)]
    assert parse_schedule_cells([], 2024, []) == []


_ALPHABET = st.sampled_from(
    list(
        "0123456789-~:;,。、 \n[]()“”第一二三四五六七八九十季度月日底前份年"
        "上下半全起从累计每平均完成全面基本过半%个人次座"
    )
)
_TEXT = st.one_of(st.text(max_size=120), st.text(_ALPHABET, max_size=120))
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.integers(min_value=2000, max_value=2099), _TEXT)
def test_never_raise(text, year, target_text):
    d = parse_deadline(text, year)
    assert d is None or _ISO.match(d)
    targets = extract_targets(target_text)
    for m in parse_milestones(text, year, targets):
        assert set(m) == {"due", "percent", "value", "cumulative", "target"}
        date.fromisoformat(m["due"])
        assert m["percent"] is None or m["value"] is None
        assert m["target"] is None or 0 <= m["target"] < len(targets)
    for m in parse_schedule_cells([(text[:6], text[6:]), ("二季度", text)], year, targets):
        date.fromisoformat(m["due"])
