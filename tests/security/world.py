"""Two cities' worth of private objects for the security tests: 杭州 (city "A", the demo coordinator's)
and 无锡 (city "B", the ``wuxi`` coordinator's), with every role the access matrix asks about.

Each city gets one of everything a URL can point at: a hidden project, a draft plan, a report, a flag,
a notice, an inspection with a finding and its evidence, a deputy question, a survey, an assessment
run, a plan import, an appeal with a photo and a pending extension. The objects of a city belong to
its unit ``U`` (杭州: 市民政局, the demo liaison's unit; 无锡: the lead unit of the chosen project), so
unit rules can be told apart from region rules.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from minsheng.appeals import services as appeal_services
from minsheng.appeals.models import Appeal, AppealCategory, AppealPhoto, ExportLog, Extension, Open311Key
from minsheng.assessment.models import Run, Survey
from minsheng.core.models import Person, Region, Unit, User
from minsheng.plans.export import export_plan
from minsheng.plans.models import Plan, PlanImport, Project, ProjectUnit
from minsheng.progress.models import Attachment, FlaggedSupervision, FlagSuggestion, Notice, Period, Report
from minsheng.supervision.models import DeputyQuestion, Evidence, Finding, Inspection, RectificationEvent
from tests.helpers import png

PNG = png((1, 1))  # a real one-pixel photo (the records say 1 × 1): stored photos are decoded ones
CITIES = {"A": "杭州市", "B": "无锡市"}


@dataclass(frozen=True)
class Role:
    name: str  # the username in the test database; "anonymous" logs in as nobody
    kind: str  # anonymous, coordinator, liaison, reviewer, leader, deputy
    city: str | None = None  # "A" or "B"
    own_unit: bool = False  # a unit role whose unit is the city's unit U (which owns the world's objects)

    def __str__(self) -> str:
        return self.name


ROLES = [
    Role("anonymous", "anonymous"),
    Role("coordinator", "coordinator", "A"),
    Role("wuxi", "coordinator", "B"),
    Role("liaison", "liaison", "A", own_unit=True),
    Role("reviewer", "reviewer", "A", own_unit=True),
    Role("other_liaison", "liaison", "A"),
    Role("leader", "leader", "A"),
    Role("deputy", "deputy", "A"),
    Role("wuxi_leader", "leader", "B"),
    Role("wuxi_deputy", "deputy", "B"),
]
ROLE = {r.name: r for r in ROLES}


@dataclass
class City:
    key: str
    region: Region
    district: Region
    unit: Unit
    other_unit: Unit
    plan: Plan
    project: Project  # public, led by ``unit``
    hidden: Project  # public=False, led by ``unit``
    draft_plan: Plan
    period: Period
    period2: Period  # a month with no report yet
    report: Report  # ``unit``'s draft on ``hidden``
    accepted_report: Report  # accepted, with a public photo, on ``project``
    photo: Attachment
    suggestion: FlagSuggestion
    flag: FlaggedSupervision
    notice: Notice  # generated, not published
    inspection: Inspection
    finding: Finding  # on ``unit``, reported, with evidence
    evidence: Evidence
    question: DeputyQuestion  # to ``unit``
    survey: Survey  # open, on ``project``
    run: Run
    plan_import: PlanImport
    appeal: Appeal  # accepted, assigned to ``unit``
    appeal_photo: AppealPhoto
    extension: Extension
    open311_key: Open311Key
    person: Person
    coordinator: User
    new_appeal: Appeal  # submitted, not yet accepted
    answered_appeal: Appeal  # answered by ``unit``, waiting for the citizen's rating
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    A: City
    B: City
    users: dict[str, User]

    def city(self, key: str) -> City:
        return getattr(self, key)


def _lead_projects(plan: Plan, unit: Unit):
    return plan.projects.filter(unit_links__unit=unit, unit_links__role=ProjectUnit.Role.LEAD,
                                parent__isnull=True).order_by("position", "id")


def _user(username: str, role: str, region: Region, unit: Unit | None = None) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.role, user.region, user.unit = role, region, unit
    user.first_name = username
    user.save()
    return user


def _city(key: str, coordinator: User) -> City:
    region = Region.objects.get(name=CITIES[key], parent__isnull=False)
    plan = Plan.objects.get(region=region)
    district = region.children.order_by("id").first()
    if key == "A":
        unit = Unit.objects.get(region=region, name="市民政局")
    else:
        unit = next(link.unit for p in plan.projects.order_by("position", "id")
                    for link in p.unit_links.filter(role=ProjectUnit.Role.LEAD) if _lead_projects(plan, link.unit)[1:])
    # A unit of the same city with no link to the two projects: "another unit" of the matrix.
    project, hidden = list(_lead_projects(plan, unit)[:2])
    linked = set(ProjectUnit.objects.filter(project__in=[project, hidden]).values_list("unit_id", flat=True))
    other_unit = Unit.objects.filter(region=region).exclude(pk__in=linked | {unit.pk}).order_by("id").first()
    hidden.public = False
    hidden.save()
    draft_plan = Plan.objects.create(region=region, year=plan.year + 1, title=f"{region.name}安全测试草稿计划",
                                     status=Plan.Status.DRAFT)
    period = Period.objects.create(plan=plan, year=plan.year, month=3, due_on=datetime.date(plan.year, 4, 3))
    period2 = Period.objects.create(plan=plan, year=plan.year, month=4, due_on=datetime.date(plan.year, 5, 6))
    report = Report.objects.create(project=hidden, unit=unit, period=period, progress_text="按计划推进")
    accepted = Report.objects.create(project=project, unit=unit, period=period, state=Report.State.ACCEPTED,
                                     progress_text="已完成一半", submitted_at=timezone.now())
    photo = Attachment.objects.create(report=accepted, kind=Attachment.Kind.PHOTO, name="site.png",
                                      file=ContentFile(PNG, name="site.png"), content_type="image/png",
                                      size=len(PNG), uploaded_by=coordinator)
    suggestion = FlagSuggestion.objects.create(project=hidden, period=period, reason="进度滞后")
    flag = FlaggedSupervision.objects.create(project=project, reason="滞后", lift_criteria="恢复正常",
                                             flagged_by=coordinator)
    notice = Notice.objects.create(plan=plan, period=period, number=90, title=f"{region.name}第90期通报",
                                   state=Notice.State.READY, docx=ContentFile(b"PK\x03\x04", name="n.docx"),
                                   xlsx=ContentFile(b"PK\x03\x04", name="n.xlsx"), created_by=coordinator)
    inspection = Inspection.objects.create(plan=plan, kind=Inspection.Kind.ONLINE, date=datetime.date(plan.year, 3, 1),
                                           team="督查组", summary="抽查", created_by=coordinator)
    inspection.projects.add(project)
    finding = Finding.objects.create(inspection=inspection, project=project, description="台账不全",
                                     unit=unit, deadline=datetime.date(plan.year, 4, 1), required_action="补齐台账",
                                     state=Finding.State.REPORTED, reported_at=timezone.now())
    event = RectificationEvent.objects.create(finding=finding, action=RectificationEvent.Action.REPORTED,
                                              note="已补齐", by=coordinator)
    evidence = Evidence.objects.create(event=event, kind="photo", file=ContentFile(PNG, name="fix.png"),
                                       name="fix.png", content_type="image/png", size=len(PNG))
    question = DeputyQuestion.objects.create(plan=plan, project=project, asked_by="王代表", unit=unit,
                                             question="进度如何？", asked_on=datetime.date(plan.year, 7, 1))
    survey = Survey.objects.create(project=project, title="满意度测评", created_by=coordinator)
    run = Run.objects.create(plan=plan, on=datetime.date(plan.year, 6, 30), weights={}, computed_by=coordinator)
    plan_import = PlanImport.objects.create(created_by=coordinator, file_name=f"{region.name}.txt",
                                            file_sha256="0" * 64, document=export_plan(plan))
    appeal = _appeal(district, "小区路灯坏了，晚上出行不便")
    appeal_services.accept(appeal, coordinator, unit, None, "请处理")
    appeal.refresh_from_db()
    appeal_photo = AppealPhoto.objects.create(appeal=appeal, file=ContentFile(PNG, name="lamp.png"),
                                              content_type="image/png", size=len(PNG), width=1, height=1)
    extension = Extension.objects.create(appeal=appeal, amount=3, reason="需协调",
                                         requested_by=coordinator, requested_at=timezone.now())
    ExportLog.objects.create(user=coordinator, personal=False, count=1, filters={})
    key = Open311Key.objects.create(name=f"{region.name}接口", key_hash=uuid.uuid4().hex, region=region)
    person = Person.objects.filter(region=region).order_by("id").first() or Person.objects.create(
        name="测试领导", region=region)
    new_appeal = _appeal(district, "公园厕所没有无障碍设施")
    answered = _appeal(district, "路口红绿灯时间太短")
    appeal_services.accept(answered, coordinator, unit, None, "请处理")
    handler = User.objects.filter(unit=unit).first() or coordinator
    appeal_services.answer(Appeal.objects.get(pk=answered.pk), handler, "已调整红绿灯时长")
    answered.refresh_from_db()
    return City(key, region, district, unit, other_unit, plan, project, hidden, draft_plan, period, period2, report,
                accepted, photo, suggestion, flag, notice, inspection, finding, evidence, question, survey, run,
                plan_import, appeal, appeal_photo, extension, key, person, coordinator, new_appeal, answered)


def _appeal(district: Region, text: str) -> Appeal:
    return appeal_services.submit(appeal_services.Intake(
        category=AppealCategory.objects.get(code="help"), region=district, content=text,
        address=f"{district.name}某路 1 号", name="李四", phone="13911112222", submission_key=uuid.uuid4(),
    ), channel=Appeal.Channel.WEB)


def build_world() -> World:
    users = {u.username: u for u in User.objects.all()}
    a = _city("A", users["coordinator"])
    b = _city("B", users["wuxi"])
    users["other_liaison"] = _user("other_liaison", User.Role.LIAISON, a.region, a.other_unit)
    users["wuxi_leader"] = _user("wuxi_leader", User.Role.LEADER, b.region)
    users["wuxi_deputy"] = _user("wuxi_deputy", User.Role.DEPUTY, b.region)
    # 无锡's own unit users, so that B's objects have a handler too (not a matrix role).
    users["wuxi_liaison"] = _user("wuxi_liaison", User.Role.LIAISON, b.region, b.unit)
    return World(a, b, users)
