"""The figures in force (progress.figures): co-lead units reporting one target in one month.

The status and the milestone checks took the larger figure; the project chart took whichever row
the database returned last. Now all three read progress.figures. Worked by hand: target 100个,
June reports of 60 (filed first) and 40 (filed second), both accepted: June stands at 60 = 60%.
"""

import datetime
from decimal import Decimal

import pytest

from minsheng.assessment.adherence import milestone_checks
from minsheng.core.models import Unit
from minsheng.plans.services import load_plan_document
from minsheng.progress import figures
from minsheng.progress.charts import progress_chart
from minsheng.progress.models import Report, TargetFigure
from minsheng.progress.selectors import plan_progress
from minsheng.progress.services import ensure_periods

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 7, 10)  # June closed (due 3 July)


@pytest.fixture
def co_led():
    plan = load_plan_document({
        "schema": "minsheng.plan/1", "source": None,
        "plan": {"title": "共同牵头测试计划", "issuer": None, "doc_number": None, "year": 2024, "issued_on": None,
                 "region": "杭州市"},
        "projects": [{"section": None, "category": "测试", "content": None, "leaders": [], "unit_leaders": [],
                      "deadline": "2024-12-31", "kind": None, "funding": None, "partner_units": [],
                      "allocations": [], "ref": "1", "name": "新增助餐点100个",
                      "lead_units": ["市民政局", "市财政局"],
                      "targets": [{"value": 100, "unit": "个", "op": ">="}],
                      "milestones": [{"due": "2024-06-30", "percent": None, "value": 50, "cumulative": True,
                                      "target": 0}]}]}).plan
    project = plan.projects.get()
    june = next(p for p in ensure_periods(plan, ON) if p.month == 6)
    for name, value, percent in (("市民政局", 60, 70), ("市财政局", 40, 30)):
        unit = Unit.objects.get(region=plan.region, name=name)
        report = Report.objects.create(project=project, unit=unit, period=june, state=Report.State.ACCEPTED,
                                       percent_complete=Decimal(percent))
        TargetFigure.objects.create(report=report, target=project.targets.get(), value=Decimal(value))
    return plan, project


def test_the_larger_figure_of_a_month_counts_everywhere(co_led):
    plan, project = co_led
    target = project.targets.get()
    assert figures.target_figures(report__project=project) == {target.pk: {2024 * 12 + 6: Decimal(60)}}
    assert figures.project_percents(project__plan=plan) == ({project.pk: {2024 * 12 + 6: Decimal(70)}},
                                                            {project.pk: {2024 * 12 + 6}})
    # The status: 60 of 100.
    assert plan_progress(plan, ON).projects[0].targets[0].actual == Decimal(60)
    # The chart's one dot: June at 60%.
    assert [label for _x, _y, label in progress_chart(project, ON).dots] == ["06月 60%"]
    # The milestone (50 by 30 June) is checked against 60: 0.6 of the target.
    project = plan.projects.prefetch_related("targets", "milestones").get()
    checks = milestone_checks(plan, ON, [project])[project.pk]
    assert [(c["due"], c["expected"], c["actual"]) for c in checks if not c["deadline"]] == [
        ("2024-06-30", 0.5, 0.6)]


def test_a_figure_stands_until_a_later_month_replaces_it():
    history = {2024 * 12 + 3: Decimal(20), 2024 * 12 + 6: Decimal(60)}
    assert figures.as_of(history, 2024 * 12 + 2) is None
    assert figures.as_of(history, 2024 * 12 + 5) == Decimal(20)
    assert figures.as_of(history, 2024 * 12 + 9) == Decimal(60)
