"""The document's working rules read from its prose (plain functions)."""

from minsheng.ingest.rules import notice_cadence, pace, plan_rules, reporting_day


def test_reporting_deadline_from_the_text():
    assert reporting_day("建立督办通报机制,各牵头单位每月3日前将工作进展报市发改委汇总") == 3
    assert reporting_day("各牵头单位每月汇总研究项目进展情况，月底前报送至市发展改革委") == 0
    # A date (11月底前) or the year's end is no monthly deadline; nothing said, nothing set.
    assert reporting_day("11月底前报送验收材料") is None
    assert reporting_day("年底前报送总结") is None
    assert reporting_day("加强组织领导") is None


def test_notice_cadence_and_pace():
    assert notice_cadence("市政府政务督查室加强跟踪督办，每季度向全市通报，每半年") == "quarterly"
    assert notice_cadence("每月通报一次项目进展") == "monthly"
    assert notice_cadence("定期调度、通报项目实施情况") is None
    assert pace("重点民生实事项目原则上半年度完成全年目标的60%、11月底前全面完成", 2024) == [
        {"due": "2024-06-30", "percent": 60}]
    assert pace("确保时间过半、任务过半", 2025) == [{"due": "2025-06-30", "percent": 50}]
    assert pace("6月底前完成前期工作", 2024) == []


def test_plan_rules_leave_out_what_the_text_does_not_say():
    assert plan_rules("每月3日前报送进展，每季度通报", 2024, "2024-11-30") == {
        "reporting_day": 3, "notice_cadence": "quarterly", "deadline": "2024-11-30"}
    assert plan_rules("加强组织领导", 2024) == {}
