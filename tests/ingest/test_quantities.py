"""Numbers and targets in plan text (minsheng.ingest.quantities; rules in docs/plan-schema.md)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.ingest.quantities import Target, extract_targets, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85.8万", 858000),
        ("85.8万人次", 858000),
        ("二十六万九千", 269000),
        ("1.1万", 11000),
        ("1.1万个", 11000),
        ("100万平方米", 1000000),
        ("2.7亿美元", 270000000),
        ("十", 10),
        ("两千", 2000),
        ("三十", 30),
        ("83%", 83),
        ("5.5%", 5.5),
        ("0.5个百分点", 0.5),
        ("1,000", 1000),
        ("约5000名", 5000),
        ("5千米", 5),  # 千米 is the unit, not a multiplier
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "万", "千万", "无", "--", "abc", "万家"])
def test_parse_number_none(text):
    assert parse_number(text) is None


def test_parse_number_whole_values_are_ints():
    assert type(parse_number("85.8万")) is int
    assert type(parse_number("227")) is int
    assert type(parse_number("5.5")) is float


def _t(text):
    return [(t["value"], t["unit"], t["op"]) for t in extract_targets(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain figures are floors
        ("新增老年助餐服务点227个", [(227, "个", ">=")]),
        ("新开工保障房100万平方米,分配公租房实物配租房源6000套", [(1000000, "平方米", ">="), (6000, "套", ">=")]),
        ("为离校2年内未就业高校毕业生提供见习岗位1.1万个", [(11000, "个", ">=")]),
        ("全市困难群众医疗费用综合保障率达到83%", [(83, "%", ">=")]),
        ("数字经济核心产业增加值占地区生产总值比重提升0.5个百分点", [(0.5, "个百分点", ">=")]),
        ("实际使用外资完成2.7亿美元", [(270000000, "美元", ">=")]),
        ("规上工业企业亩均产值提升至570万元", [(5700000, "元", ">=")]),
        # units keep their bracketed alternative and compounds
        ("推出“青荷驿站”房源500套(间)", [(500, "套(间)", ">=")]),
        ("更新和新建公共室外健身场地设施600套(个)以上", [(600, "套(个)", ">=")]),
        ("开设全民艺术普及公益培训90个班次", [(90, "个班次", ">=")]),
        ("筹集“青年驿站”300个床位", [(300, "个床位", ">=")]),
        ("在红日路两侧新建健身步道5千米", [(5, "千米", ">=")]),
        ("完成老旧小区住宅加装电梯750 台", [(750, "台", ">=")]),
        # op words
        ("义务教育教联体覆盖率超95%", [(95, "%", ">")]),
        ("新增高校毕业生留宜来宜3.5万人以上", [(35000, "人", ">=")]),
        ("建设市级示范性教联体10个左右", [(10, "个", ">=")]),
        ("为不低于300户困难残疾人家庭实施无障碍改造", [(300, "户", ">=")]),
        ("城镇登记失业率控制在3%以内", [(3, "%", "<=")]),
        ("按照每人每月最高400元标准给予补助", [(400, "元", "<=")]),
        ("推动最低工资标准由现行四档调整为三档", [(3, "档", "=")]),
        ("集中供养孤儿基本生活费由每人每月2727元提高到2747元", [(2747, "元", "=")]),
        (
            "从2024年7月1日起执行城乡居民最低生活保障人均提高20元/月·人。惠及18000余人。",
            [(20, "元", "="), (18000, "人", ">=")],
        ),
        ("筹资标准为每人每年80元。其中,个人缴费10元、财政补助10元。", [(80, "元", "=")]),
        ("对前期建设的800多个监控进行存储扩容", [(800, "个", ">=")]),
        # Chinese numerals
        ("打造一条餐饮场所瓶改管示范街区", [(1, "条", ">=")]),
        ("进行两个远程公证服务点建设", [(2, "个", ">=")]),
        ("建设雨水一体化泵站一座(妙通塔东侧)", [(1, "座", ">=")]),
        # several targets, in order
        (
            "新增和改造1万个集中式智能非机动车充电位,开展市售食用农产品快检150万批次以上。",
            [(10000, "个", ">="), (1500000, "批次", ">=")],
        ),
        # 各 distributes over the list before it
        ("建成省级普惠托育机构、示范性托育机构各2家", [(2, "家", ">="), (2, "家", ">=")]),
    ],
)
def test_extract_targets(text, expected):
    assert _t(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # years, dates, ages, durations, ordinals, names, codes
        ("为全市50-74周岁户籍居民提供免费结直肠癌筛查,筛查人数26.9万人次", [(269000, "人次", ">=")]),
        ("为全市60岁以上老年人免费接种流感疫苗85.8万人次", [(858000, "人次", ">=")]),
        ("为2.1万名80岁以上老年人提供居家上门服务", [(21000, "名", ">=")]),
        ("为30名16-59周岁无业残疾人提供托养服务", [(30, "名", ">=")]),
        ("为毕业5年内的大学生来宜求职创业提供最高不超过7天免费居住", []),
        ("开展第五届文化场馆月,举办惠民文艺演出不少于300场次", [(300, "场次", ">=")]),
        ("继续实施城乡教师交流“十百千”计划", []),
        ("新争取1个“15分钟医保服务圈”省级示范点", [(1, "个", ">=")]),
        ("举办2024无锡马拉松和阳羡100越野挑战赛", []),
        ("确保PM2.5年均浓度持续改善,推动5G网络向农村延伸", []),
        ("着力提升12345平台联动联办水平", []),
        ("严格实施加油机计量周期检定(六个月)", []),
        ("开展中医药服务进万家活动", []),
        ("启动1家五星级和1家4星级中医馆建设", [(1, "家", ">="), (1, "家", ">=")]),
        ("新建1家四级中医馆", [(1, "家", ">=")]),
        ("完成市区二次供水设施改造项目100个", [(100, "个", ">=")]),
        ("实施二十一米河河道综合整治工程", []),
        ("全面落实优化营商环境三十条措施", []),
        ("完成太湖新城污水处理厂三期扩建工程主体建设", []),
        ("打造一支专业化招商队伍,提供一站式医保经办服务", []),
        ("对票选确定的项目,一件接着一件办", []),
        # sizes that only describe a thing
        ("免费安装一条100兆广电宽带以及视频通话设备", []),
        ("为14岁女生提供免费自愿接种2剂次2价HPV疫苗", []),
        ("建设快速排水管道及3.6立方米/秒雨水一体化泵站一座", [(1, "座", ">=")]),
        ("从原1.3立方米/秒流量提升至10立方米/秒流量", []),
        ("提档唐家湾周边1平方公里范围内基础设施", []),
        ("力争落地总投资30亿元或3亿美元项目1个、10亿元或1亿美元项目2个", [(1, "个", ">="), (2, "个", ">=")]),
        ("力争全年新增规上工业企业60家、产值超亿元企业10家", [(60, "家", ">="), (10, "家", ">=")]),
        # baselines, breakdowns, calculation rules
        ("新增学位2070个,其中幼儿园增加学位990个,小学增加学位1080个。", [(2070, "个", ">=")]),
        ("社会散居孤儿基本生活费按照当地集中供养孤儿基本生活费70%发放", []),
        ("年龄由14周岁扩大到16周岁", []),
        ("中恒国际片区:(1)改造五岛湖周边原封堵的11个雨水排口", [(11, "个", ">=")]),
        ("改造淮浦人家、军民中心村四期等9个小区", [(9, "个", ">=")]),
        ("将农村低保标准由家庭年人均收入3000元提高到不低于4200元", [(4200, "元", ">=")]),
        ("建设一处占地50亩的体育公园", [(1, "处", ">=")]),
        ("从3个方面推进改革,新建学校2所", [(2, "所", ">=")]),
        ("形成了2023年度民生实事候选项目12个,提交人代会票决", []),
        ("新增停车位5000个(其中公共停车位2000个)", [(5000, "个", ">=")]),
        ("全年培训1万人次,其中农民工5000人次", [(10000, "人次", ">=")]),
    ],
)
def test_not_targets(text, expected):
    assert _t(text) == expected


def test_values_are_ints_when_whole():
    (t,) = extract_targets("完成回迁安置3.5万户")
    assert t["value"] == 35000 and type(t["value"]) is int
    (t,) = extract_targets("地区生产总值增长5.5%")
    assert t["value"] == 5.5 and type(t["value"]) is float


def test_targets_serialise_as_plain_dicts_and_keep_context():
    ts = extract_targets("新增法律援助工作站5个、远程公证服务点2个")
    assert json.loads(json.dumps(ts, ensure_ascii=False)) == [
        {"value": 5, "unit": "个", "op": ">="},
        {"value": 2, "unit": "个", "op": ">="},
    ]
    assert all(isinstance(t, Target) for t in ts)
    assert "法律援助工作站" in ts[0].context and "远程公证服务点" not in ts[0].context
    assert "远程公证服务点" in ts[1].context


def test_empty_text():
    assert extract_targets("") == []
    assert extract_targets("免费开展新生儿疾病筛查。") == []


_PLAN_ALPHABET = st.sampled_from(
    list(
        "0123456789.,;:、。()“”《》[]-—~%/ 万亿千百十一二两三四五六七八九零〇个人次家所座条台套间"
        "年月日底前季度岁第其中由到为以上以内超不少于元米公里平方"
    )
)
_TEXT = st.one_of(st.text(max_size=80), st.text(_PLAN_ALPHABET, max_size=80))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_never_raise(text):
    v = parse_number(text)
    assert v is None or isinstance(v, int | float)
    for t in extract_targets(text):
        assert set(t) == {"value", "unit", "op"}
        assert t["op"] in (">=", ">", "<=", "=")
        assert isinstance(t["value"], int | float) and t["unit"]
