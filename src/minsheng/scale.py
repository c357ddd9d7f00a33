"""Province-scale data for benchmarks: many plans, each with projects, district shares and a year of reports.

Not for the demo (``simulate`` makes realistic reports through the workflow); this makes a lot
of plausible, accepted reports quickly. Plans, projects and their parts go through
``bulk_create``; the reports and figures, a million rows at the default size, are inserted
with explicit ids through ``executemany``, since Django's per-value preparation in
``bulk_create`` costs more than the database does at that size. It fills every stage's tables at
once, so it sits beside the demo at the project level rather than inside one app.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection, models, transaction

from minsheng.core.calendar import work_calendar
from minsheng.core.models import Person, Region, Unit
from minsheng.plans.models import (
    Allocation,
    Category,
    Milestone,
    Plan,
    Project,
    ProjectLeader,
    ProjectUnit,
    Target,
)
from minsheng.progress import periods as period_rules
from minsheng.progress.models import AllocationFigure, Period, Report, TargetFigure
from minsheng.progress.status import Step, expected_fraction

TZ = ZoneInfo("Asia/Shanghai")
CATEGORIES = ["教育", "医疗卫生", "养老服务", "住房保障", "交通出行", "就业创业", "文体惠民", "生态环境"]
DEPARTMENTS = ["市教育局", "市卫生健康委", "市民政局", "市住房城乡建设局", "市交通运输局", "市人力社保局",
               "市文化广电旅游局", "市生态环境局", "市城管局", "市农业农村局", "市市场监管局", "市医保局"]
TARGET_UNITS = [("所", 40), ("个", 200), ("公里", 300), ("人次", 50000), ("户", 3000), ("张", 1500)]


@dataclass
class ScaleResult:
    plans: list[Plan]
    projects: int
    reports: int
    target_figures: int
    allocation_figures: int


def _insert(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})", rows)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


def generate(plans: int = 100, projects: int = 60, allocations: int = 15, periods: int = 12, seed: int = 1,
             year: int = 2024) -> ScaleResult:
    """A province of ``plans`` cities, each with a plan of ``projects`` projects whose first target is
    split over ``allocations`` districts, and accepted reports (lead and districts) for ``periods`` months.

    Names carry the seed, so several generations can share a database.
    """
    rng = random.Random(seed)
    ops = connection.ops
    work = work_calendar()
    with transaction.atomic():
        province = Region.objects.create(name=f"基准测试省{seed}", level=Region.Level.PROVINCE)
        cities = Region.objects.bulk_create(
            [Region(name=f"第{i + 1:03d}市", parent=province, level=Region.Level.CITY) for i in range(plans)])
        districts = Region.objects.bulk_create(
            [Region(name=f"第{c + 1:03d}市第{d + 1:02d}区", parent=city, level=Region.Level.COUNTY)
             for c, city in enumerate(cities) for d in range(allocations)])
        departments = Unit.objects.bulk_create(
            [Unit(name=name, region=city) for city in cities for name in DEPARTMENTS])
        governments = Unit.objects.bulk_create(
            [Unit(name=f"{d.name}人民政府", region=d, kind=Unit.Kind.GOVERNMENT) for d in districts])
        leaders = Person.objects.bulk_create(
            [Person(name=f"副市长{i + 1:03d}", region=c) for i, c in enumerate(cities)])
        plan_rows = Plan.objects.bulk_create(
            [Plan(region=c, year=year, title=f"{c.name}{year}年民生实事项目", status=Plan.Status.PUBLISHED)
             for c in cities])
        categories = Category.objects.bulk_create(
            [Category(plan=p, name=name, position=i) for p in plan_rows for i, name in enumerate(CATEGORIES)])
        project_rows = Project.objects.bulk_create(
            [Project(plan=p, category=categories[pi * len(CATEGORIES) + j % len(CATEGORIES)], position=j + 1,
                     name=f"{CATEGORIES[j % len(CATEGORIES)]}民生实事第{j + 1}项", deadline=datetime.date(year, 11, 30))
             for pi, p in enumerate(plan_rows) for j in range(projects)])
        ProjectUnit.objects.bulk_create(
            [ProjectUnit(project=pr, unit=departments[(n // projects) * len(DEPARTMENTS) + n % len(DEPARTMENTS)],
                         role=ProjectUnit.Role.LEAD, label=DEPARTMENTS[n % len(DEPARTMENTS)])
             for n, pr in enumerate(project_rows)])
        ProjectLeader.objects.bulk_create(
            [ProjectLeader(project=pr, person=leaders[n // projects], role=ProjectLeader.Role.LEADER)
             for n, pr in enumerate(project_rows)])
        targets_per = [1 + n % 3 for n in range(len(project_rows))]
        target_rows = Target.objects.bulk_create(
            [Target(project=pr, position=i, value=Decimal(TARGET_UNITS[(n + i) % 6][1]),
                    unit=TARGET_UNITS[(n + i) % 6][0])
             for n, pr in enumerate(project_rows) for i in range(targets_per[n])])
        schedule = [Step(datetime.date(year, 6, 30), 50.0), Step(datetime.date(year, 9, 30), 80.0)]
        Milestone.objects.bulk_create(
            [Milestone(project=pr, position=i, due=step.due, percent=Decimal(step.percent))
             for pr in project_rows for i, step in enumerate(schedule)])
        first_target = {}
        for t in target_rows:
            first_target.setdefault(t.project_id, t)
        allocation_rows = Allocation.objects.bulk_create(
            [Allocation(project=pr, target=first_target[pr.pk], region=districts[(n // projects) * allocations + d],
                        label=districts[(n // projects) * allocations + d].name, position=d,
                        value=first_target[pr.pk].value / allocations, unit=first_target[pr.pk].unit)
             for n, pr in enumerate(project_rows) for d in range(allocations)])
        period_rows = Period.objects.bulk_create(
            [Period(plan=p, year=year, month=m, due_on=period_rules.due_date(year, m, 3, work))
             for p in plan_rows for m in range(1, periods + 1)])

        # One accepted report a month from the lead unit (target figures) and from each district
        # (its share), on the schedule's curve shifted by the project's own gap.
        start, deadline = datetime.date(year, 1, 1), datetime.date(year, 11, 30)
        curve = [expected_fraction(period_rules.month_end(year, m), start, deadline, schedule)
                 for m in range(1, periods + 1)]
        stamps = [ops.adapt_datetimefield_value(datetime.datetime.combine(p.due_on, datetime.time(10), TZ))
                  for p in period_rows[:periods]]
        targets_of: dict[int, list[Target]] = {}
        for t in target_rows:
            targets_of.setdefault(t.project_id, []).append(t)
        allocations_of: dict[int, list[Allocation]] = {}
        for a in allocation_rows:
            allocations_of.setdefault(a.project_id, []).append(a)
        leads = {pu.project_id: pu.unit_id for pu in ProjectUnit.objects.filter(project__in=project_rows)}
        government_of = {u.region_id: u.pk for u in governments}

        report_id, target_id, allocation_id = _next_id(Report), _next_id(TargetFigure), _next_id(AllocationFigure)
        report_names = ["id", "project", "unit", "period", "state", "version", "progress_text", "problems",
                        "next_steps", "submitted_at", "late", "return_reason", "updated_at"]
        counts = [0, 0, 0]
        for pi in range(len(plan_rows)):
            reports, target_figures, allocation_figures = [], [], []
            plan_periods = period_rows[pi * periods:(pi + 1) * periods]
            for pr in project_rows[pi * projects:(pi + 1) * projects]:
                gap = rng.choice([0.0, 0.0, 0.0, 0.05, -0.15, -0.3])
                for k, period in enumerate(plan_periods):
                    fraction = max(0.0, curve[k] + gap)
                    reporters = [(leads[pr.pk], None)] + [(government_of[a.region_id], a)
                                                         for a in allocations_of.get(pr.pk, [])]
                    for unit_id, allocation in reporters:
                        reports.append((report_id, pr.pk, unit_id, period.pk, Report.State.ACCEPTED.value, 4,
                                        f"截至{period.month}月底按计划推进", "暂无。", "继续推进。", stamps[k], False,
                                        "", stamps[k]))
                        if allocation is None:
                            for t in targets_of[pr.pk]:
                                value = Decimal(round(float(t.value) * fraction))
                                target_figures.append((target_id, report_id, t.pk, value, "", False))
                                target_id += 1
                        else:
                            value = Decimal(str(round(float(allocation.value) * fraction, 2)))
                            allocation_figures.append((allocation_id, report_id, allocation.pk, value))
                            allocation_id += 1
                        report_id += 1
            _insert(Report, report_names, reports)
            _insert(TargetFigure, ["id", "report", "target", "value", "decrease_reason", "over_target_confirmed"],
                    target_figures)
            _insert(AllocationFigure, ["id", "report", "allocation", "value"], allocation_figures)
            counts = [counts[0] + len(reports), counts[1] + len(target_figures), counts[2] + len(allocation_figures)]
        # Explicit ids leave PostgreSQL's sequences behind; move them past the new rows (no-op on SQLite).
        with connection.cursor() as cursor:
            for sql in ops.sequence_reset_sql(no_style(), [Report, TargetFigure, AllocationFigure]):
                cursor.execute(sql)
    return ScaleResult(plan_rows, len(project_rows), *counts)
