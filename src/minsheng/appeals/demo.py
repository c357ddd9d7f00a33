"""Demo appeals for 杭州市: routing rules over the city's units and a few hundred appeals in every state.

Deterministic: a seeded RNG and a clock anchored at the start of today, so two runs on the same
day give the same data. Rows are written in bulk (this runs at every test session's start); the
timestamps follow the same clock rules the services apply one by one.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.utils import timezone

from minsheng.appeals import clock, defaults
from minsheng.appeals.models import (
    Appeal,
    AppealCategory,
    AppealEvent,
    AppealState,
    Publication,
    RoutingRule,
)
from minsheng.appeals.privacy import mask_text, normalise_phone
from minsheng.appeals.routing import AppealFacts, suggest
from minsheng.appeals.services import load_rules
from minsheng.core.calendar import work_calendar
from minsheng.core.models import Region, Unit, User
from minsheng.core.services import get_or_create_unit

CITY = "杭州市"
COUNT = 320
SEED = 5

# rule name, category code or None, region name or None, keywords, unit name, unit region, priority
RULES = [
    ("养老与社会救助", None, None, "养老,助餐,老年食堂,低保,救助,残疾人,孤寡", "市民政局", CITY, 10),
    ("医疗卫生", None, None, "医院,看病,挂号,疫苗,社区卫生,医生,门诊", "市卫生健康委员会", CITY, 10),
    ("教育与托育", None, None, "学校,入学,幼儿园,托育,学区,课后服务", "市教育局", CITY, 10),
    ("供水急修", "utility", None, "停水,漏水,爆管,水压,自来水", "杭州市水务集团", CITY, 20),
    ("供电急修", "utility", None, "停电,跳闸,电压,电线", "国网杭州供电公司", CITY, 20),
    ("燃气急修", None, None, "燃气,煤气,天然气", "杭州市燃气集团", CITY, 20),
    ("城市管理", None, None, "噪音,占道,违建,垃圾,油烟,渣土", "市综合行政执法局", CITY, 5),
    ("交通出行", None, None, "公交,地铁,红绿灯,道路,停车", "市交通运输局", CITY, 12),
    ("住房与加装电梯", None, None, "电梯,物业,老旧小区,漏雨,维修基金", "市建委", CITY, 5),
    ("淳安县属地", None, "淳安县", "", "淳安县人民政府", "淳安县", 1),
    ("兜底：市信访局", None, CITY, "", "市信访局", CITY, -10),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏"
    "吕丁沈任姚卢傅钟姜崔谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅琳斌宇浩凯鹏飞晨"

# category code, region name or None (any district), title, text
TOPICS = [
    ("complaint", "拱墅区", "老旧小区加装电梯进展慢",
     "我们小区是九十年代的老旧小区，楼里老人多，申请加装电梯一年多了还没动工，希望加快审批和施工。"),
    ("help", "拱墅区", "加装电梯费用分摊谈不拢",
     "单元加装电梯，低层住户不同意费用分摊方案，希望社区和住建部门出面协调。"),
    ("complaint", "西湖区", "小区周边停车难",
     "小区车位严重不足，晚上车辆只能停在路边，经常被贴罚单，希望增设停车位或开放周边公共停车场。"),
    ("suggest", "西湖区", "建议增设公共停车泊位",
     "学校门口接送时段停车难，道路拥堵，建议在附近增设临时停车泊位。"),
    ("complaint", "上城区", "夜间施工噪音扰民",
     "附近工地夜里十一点以后还在施工，噪音很大，影响休息，请执法部门查处。"),
    ("complaint", "上城区", "酒吧噪音扰民",
     "楼下酒吧每天营业到凌晨两点，音乐噪音严重，多次沟通无果。"),
    ("help", "余杭区", "社区老年食堂助餐",
     "希望社区开设老年食堂，提供助餐服务，我们小区独居老人多，吃饭不方便。"),
    ("consult", "余杭区", "助餐补贴怎么申请",
     "请问八十岁以上老人在社区老年食堂助餐有没有补贴，需要什么材料。"),
    ("consult", None, "孩子入学政策咨询",
     "孩子明年上小学，户籍和房产不在同一学区，请问入学政策怎么规定。"),
    ("help", None, "幼儿园托育名额不足",
     "小区附近没有普惠性幼儿园，托育名额不足，希望增设托育机构。"),
    ("consult", None, "社区医院疫苗接种",
     "请问社区卫生服务中心什么时候可以预约接种流感疫苗，需要带什么证件。"),
    ("complaint", None, "医院挂号难",
     "三甲医院专家号很难挂，网上一放号就没了，希望增加号源。"),
    ("utility", None, "小区突然停水",
     "小区从早上开始停水，没有任何通知，家里有老人孩子，请尽快恢复供水。"),
    ("utility", None, "路面爆管漏水",
     "路口自来水管爆管，大量漏水，路面积水严重，请尽快抢修。"),
    ("utility", None, "楼道频繁停电跳闸",
     "单元楼最近频繁停电跳闸，电压不稳，冰箱都坏了，请供电部门检修。"),
    ("emergency", None, "闻到燃气泄漏味道",
     "楼道里燃气味道很浓，怀疑天然气泄漏，请立即派人处理。"),
    ("complaint", None, "餐馆油烟扰民",
     "楼下餐馆油烟直排，窗户都不能开，请执法部门处理。"),
    ("report", None, "违建搭建举报",
     "小区顶楼住户私自搭建阳光房，属于违建，请予以查处。"),
    ("complaint", None, "公交班次太少",
     "公交线路班次太少，早高峰等车半小时，希望增加班次。"),
    ("suggest", None, "路口红绿灯时长不合理",
     "路口红绿灯行人通行时间太短，老人过马路来不及，建议延长。"),
    ("help", None, "低保申请求助",
     "家里老人生病，收入很低，想申请低保，不知道流程，请帮助。"),
    ("complaint", None, "物业不作为",
     "小区物业对楼道漏雨一直不维修，维修基金申请也不配合。"),
    ("consult", None, "公积金提取咨询",
     "请问租房提取公积金需要提供哪些材料，多久可以到账。"),
    ("complaint", None, "垃圾清运不及时",
     "小区垃圾桶满了好几天没人清运，气味很大，夏天蚊虫很多。"),
]


def _units(city: Region) -> dict[str, Unit]:
    units = {}
    for _rule, _code, _region, _kw, unit_name, unit_region, _p in RULES:
        region = Region.objects.get(name=unit_region, parent__parent__isnull=False) if unit_region != CITY else city
        kind = Unit.Kind.SOE if "集团" in unit_name or "公司" in unit_name else (
            Unit.Kind.GOVERNMENT if "人民政府" in unit_name else Unit.Kind.DEPARTMENT)
        units[unit_name] = get_or_create_unit(region, unit_name, kind)
    return units


def seed_rules(city: Region) -> None:
    units = _units(city)
    categories = {c.code: c for c in AppealCategory.objects.all()}
    for name, code, region_name, keywords, unit_name, _unit_region, priority in RULES:
        region = None
        if region_name:
            region = city if region_name == CITY else Region.objects.get(name=region_name, parent=city)
        RoutingRule.objects.get_or_create(name=name, defaults={
            "category": categories.get(code) if code else None, "region": region, "keywords": keywords,
            "unit": units[unit_name], "priority": priority,
        })


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def seed_appeals(city: Region, today: datetime.date | None = None) -> int:
    if Appeal.objects.filter(region__parent=city).exists() or Appeal.objects.filter(region=city).exists():
        return 0
    rng = random.Random(SEED)
    calendar = work_calendar()
    rules = load_rules()
    categories = {c.code: c for c in AppealCategory.objects.all()}
    districts = list(Region.objects.filter(parent=city).order_by("id"))
    by_name = {d.name: d for d in districts}
    units = {u.pk: u for u in Unit.objects.filter(region__in=[city, *districts])}
    # Everything happens before the start of today: the same data all day long.
    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    if today is not None:
        now = now.replace(year=today.year, month=today.month, day=today.day)
    people = [_person(rng) for _ in range(140)]
    appeals, events = [], []

    def event(appeal: Appeal, kind: str, at: datetime.datetime, label: str, note: str = "", to: str = "",
              public: bool = True) -> None:
        events.append((appeal, AppealEvent(kind=kind, at=at, actor_label=label, note=note, to_state=to,
                                           public=public)))

    for n in range(COUNT):
        code, district_name, title, text = rng.choice(TOPICS)
        region = by_name[district_name] if district_name else rng.choice(districts)
        category = categories[code]
        name, phone = rng.choice(people)
        # Most appeals are from the last half year; the newest days hold the ones still in the clock.
        age = datetime.timedelta(days=rng.choice((rng.uniform(0, 6), rng.uniform(0, 60), rng.uniform(0, 300))))
        received = now - age - datetime.timedelta(days=1) + datetime.timedelta(hours=rng.uniform(8, 20))
        facts = AppealFacts(category.pk, region.pk, f"{title}\n{text}")
        suggestion = suggest(rules, facts)
        a = Appeal(
            code=new_code_seeded(rng), submission_key=uuid.UUID(int=rng.getrandbits(128)),
            channel=rng.choice([Appeal.Channel.WEB] * 3 + [Appeal.Channel.PHONE] * 2 + [Appeal.Channel.OPEN311]),
            category=category, region=region, title=title, content=text,
            address=f"{region.name}{rng.randint(1, 300)}号",
            name=name, phone=phone, phone_key=normalise_phone(phone), publish=rng.random() < 0.6,
            state_id=AppealState.SUBMITTED, suggested_unit_id=suggestion.unit_id, suggestion=suggestion.explain(),
            received_at=received, accept_due=clock.accept_deadline(received, calendar),
        )
        event(a, AppealEvent.Kind.SUBMITTED, received, "市民", a.get_channel_display(), AppealState.SUBMITTED)
        accepted = received + datetime.timedelta(hours=rng.choice((0.5, 2, 5, 20, 30, 70)))
        if accepted < now and ((now - received).days >= 2 or rng.random() < 0.6):
            a.unit_id = suggestion.unit_id
            a.accepted_at, a.state_id = accepted, AppealState.ACCEPTED
            a.handle_due = clock.deadline(accepted, category.limit, calendar)
            event(a, AppealEvent.Kind.ACCEPTED, accepted, "市政府督查室",
                  f"交「{units[a.unit_id]}」办理，时限 {category.limit.describe()}。", AppealState.ACCEPTED)
            if rng.random() < 0.7:
                a.state_id = AppealState.HANDLING
                event(a, AppealEvent.Kind.SIGNED, accepted + datetime.timedelta(hours=1), str(units[a.unit_id]),
                      str(units[a.unit_id]), AppealState.HANDLING)
            span = a.handle_due - accepted
            answered = accepted + span * rng.choice((0.2, 0.5, 0.8, 0.95, 1.3))
            if answered < now:
                a.answered_at, a.state_id = answered, AppealState.ANSWERED
                a.answer = (f"您反映的“{title}”问题已收悉。经核实，我单位已安排专人到现场处理，"
                            "并将持续跟进。感谢您的监督。")
                event(a, AppealEvent.Kind.ANSWERED, answered, str(units[a.unit_id]), a.answer, AppealState.ANSWERED)
                rated = answered + datetime.timedelta(hours=rng.uniform(2, 60))
                if rated < now and rng.random() < 0.85:
                    rating = rng.choices(list(Appeal.Rating), weights=(70, 18, 12))[0]
                    a.rating, a.rated_at = rating, rated
                    a.resolved = rating != Appeal.Rating.UNSATISFIED and rng.random() < 0.9
                    event(a, AppealEvent.Kind.RATED, rated, "市民", rating.label)
                    if rating == Appeal.Rating.UNSATISFIED:
                        a.state_id, a.reopen_count = AppealState.REOPENED, 1
                        a.handle_due = clock.deadline(rated, category.limit, calendar)
                        event(a, AppealEvent.Kind.REOPENED, rated, "系统", "市民不满意，退回重办。",
                              AppealState.REOPENED)
                    else:
                        a.state_id, a.closed_at = AppealState.CLOSED, rated
                        event(a, AppealEvent.Kind.CLOSED, rated, "系统", "市民评价后办结。", AppealState.CLOSED)
        if a.state_id != AppealState.CLOSED and n % 23 == 0:
            a.key_supervision, a.key_supervision_at = True, min(now, received + datetime.timedelta(days=3))
            event(a, AppealEvent.Kind.KEY_SUPERVISION, a.key_supervision_at, "市政府督查室", "列入重点督办。")
        appeals.append(a)
    Appeal.objects.bulk_create(appeals)
    for appeal, e in events:
        e.appeal_id = appeal.pk
    AppealEvent.objects.bulk_create([e for _a, e in events])
    _approve_publications(appeals, now)
    return len(appeals)


def _approve_publications(appeals: list[Appeal], now: datetime.datetime) -> None:
    """The coordinator approved most consenting appeals for the board a day after acceptance;
    every seventh still waits, so the approval queue has something in it."""
    coordinator = User.objects.filter(username="coordinator").first()
    if coordinator is None:
        return
    rows = []
    for n, a in enumerate(appeals):
        if not a.publish or a.accepted_at is None or n % 7 == 0:
            continue
        approved = min(now, a.accepted_at + datetime.timedelta(days=1))
        answer = a.answer if a.answered_at is not None and a.answered_at <= approved else ""
        rows.append(Publication(appeal=a, title=mask_text(a.title), content=mask_text(a.content),
                                answer=mask_text(answer), approved_by=coordinator, approved_at=approved))
    Publication.objects.bulk_create(rows)


def new_code_seeded(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "MS" + "".join(rng.choice(alphabet) for _ in range(10))


def prepare(today: datetime.date | None = None) -> int:
    """Reference data, rules and appeals up to ``today`` (default: the real today); returns how many
    appeals were created."""
    defaults.seed(AppealState, AppealCategory)
    city = Region.objects.get(name=CITY)
    seed_rules(city)
    return seed_appeals(city, today)

