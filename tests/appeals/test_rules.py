"""Plain rules: routing suggestions with their reasons, masking, duplicates, topics."""

import datetime

from minsheng.appeals import duplicates, privacy, topics
from minsheng.appeals.routing import AppealFacts, Rule, parse_keywords, suggest

CITY, WEST_LAKE, CHUNAN = 10, 11, 12
RULES = [
    Rule(1, "养老", unit_id=100, unit_name="市民政局", keywords=("养老", "助餐"), priority=10),
    Rule(2, "供水急修", unit_id=200, unit_name="水务集团", category_id=6, category_name="水电气暖急修",
         keywords=("停水", "漏水"), priority=20),
    Rule(3, "淳安属地", unit_id=300, unit_name="淳安县政府", region_ids=frozenset({CHUNAN}), region_name="淳安县",
         priority=1),
    Rule(4, "兜底", unit_id=400, unit_name="市信访局", region_ids=frozenset({CITY, WEST_LAKE, CHUNAN}),
         region_name="杭州市", priority=-10),
    Rule(5, "淳安养老", unit_id=500, unit_name="淳安县民政局", region_ids=frozenset({CHUNAN}), region_name="淳安县",
         keywords=("养老",), priority=10),
]


def test_keyword_rule_explains_itself():
    s = suggest(RULES, AppealFacts(category_id=1, region_id=WEST_LAKE, text="希望社区开设老年食堂，提供助餐"))
    assert s.unit_id == 100 and s.rule_id == 1
    assert s.explain() == "规则「养老」；内容含关键词「助餐」；建议交「市民政局」办理"


def test_category_and_keywords_must_both_hold():
    facts = AppealFacts(category_id=6, region_id=WEST_LAKE, text="小区停水一天了")
    assert suggest(RULES, facts).unit_id == 200
    # The same words under another category do not fire the urgent-repair rule.
    assert suggest(RULES, AppealFacts(category_id=1, region_id=WEST_LAKE, text="小区停水一天了")).unit_id == 400


def test_priority_then_specificity_breaks_ties():
    facts = AppealFacts(category_id=1, region_id=CHUNAN, text="养老院床位不够")
    # 1 and 5 share priority 10; 5 also names the region, so it is the more specific.
    assert suggest(RULES, facts).unit_id == 500
    assert suggest(RULES, AppealFacts(category_id=1, region_id=CHUNAN, text="路灯不亮")).unit_id == 300


def test_no_rule_says_so():
    s = suggest(RULES, AppealFacts(category_id=1, region_id=999, text="路灯不亮"))
    assert s.unit_id is None and "没有规则命中" in s.explain()


def test_keywords_split_the_way_coordinators_type_them():
    assert parse_keywords("停水，漏水、爆管; 水压 停水") == ("停水", "漏水", "爆管", "水压")


def test_masking():
    assert privacy.mask_name("张三") == "张*"
    assert privacy.mask_name("欧阳娜娜") == "欧***"
    assert privacy.mask_phone("13812345678") == "138****5678"
    assert privacy.mask_id_number("330106199001011234") == "3301**********1234"
    assert privacy.mask_name("") == privacy.mask_phone("") == ""


def test_numbers_written_into_the_text_are_masked_on_public_pages():
    text = "我叫李四，电话13812345678，身份证330106199001011234，座机0571-87654321"
    scrubbed = privacy.mask_text(text)
    assert "13812345678" not in scrubbed and "138****5678" in scrubbed
    assert "330106199001011234" not in scrubbed and "87654321" not in scrubbed


def test_phone_numbers_compare_without_prefixes():
    assert privacy.normalise_phone("+86 138-1234-5678") == privacy.normalise_phone("13812345678") == "13812345678"


def test_duplicates_same_text_reordered_within_a_week():
    t0 = datetime.datetime(2024, 10, 8, 9, tzinfo=datetime.UTC)
    earlier = [
        duplicates.Earlier(1, t0 - datetime.timedelta(days=3), "小区门口道路坑洼积水，老人出行不便，希望尽快修补路面"),
        duplicates.Earlier(2, t0 - datetime.timedelta(days=1), "孩子入学政策咨询，户籍和房产不在同一学区"),
        duplicates.Earlier(3, t0 - datetime.timedelta(days=9), "小区门口道路坑洼积水，希望尽快修补路面"),
    ]
    text = "希望尽快修补路面！小区门口道路坑洼积水，老人出行很不便"
    assert duplicates.likely_duplicate(text, t0, earlier) == 1
    assert duplicates.likely_duplicate("楼下酒吧噪音扰民", t0, earlier) is None


def test_frequent_topics_and_recurring_problems():
    texts = [topics.Text(i, 1, f"1380000000{i % 4}", "老旧小区加装电梯审批太慢，希望加快加装电梯") for i in range(6)]
    texts += [topics.Text(10 + i, 2, "13900000000", "楼下酒吧噪音扰民") for i in range(6)]
    ranked = topics.frequent_topics(texts)
    counts = {t.keyword: t.count for t in ranked}
    assert counts["电梯"] == counts["噪音"] == 6
    found = topics.recurring_problems(texts)
    # Six 噪音 appeals from one phone are one persistent voice, not a recurring problem.
    assert {r.region_id for r in found} == {1}
    assert all(r.people == 4 and len(r.appeal_ids) == 6 for r in found)
