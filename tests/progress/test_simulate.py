"""The report simulation: the plain script writer, its fast database path against the services, the demo."""

import datetime
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction

from minsheng.core.workdays import WorkCalendar
from minsheng.progress.simulate import (
    SimAllocation,
    SimPeriod,
    SimProject,
    SimTarget,
    SimUnit,
    script_project,
)
from minsheng.progress.status import Status, TargetSpec, classify, expected_fraction, target_fraction

D = datetime.date
# Monday–Friday only: the plain tests need no database calendar.
WORK = WorkCalendar()
PERIODS = [SimPeriod(2024, m, WORK.next_workday(D(2024, m + 1, 3))) for m in range(1, 10)]
ENDS = [D(2024, m, 28) for m in range(1, 10)]


def _curve() -> tuple[float, ...]:
    return tuple(expected_fraction(d, D(2024, 1, 1), D(2024, 11, 30)) for d in ENDS)


def _project(n: int = 0) -> SimProject:
    return SimProject(
        name=f"项目{n}",
        targets=(SimTarget(10 * n + 1, Decimal(200), ">=", "个", _curve()),
                 SimTarget(10 * n + 2, Decimal("95.5"), ">=", "%", _curve())),
        allocations=(SimAllocation(10 * n + 3, 1, Decimal(120), "个", _curve()),
                     SimAllocation(10 * n + 4, 2, Decimal(80), "个", _curve())),
        funding={"local": Decimal(1000)},
    )


UNITS = [SimUnit(100, "市民政局", lead=True), SimUnit(101, "上城区人民政府", lead=False, region_id=1),
         SimUnit(102, "拱墅区人民政府", lead=False, region_id=2)]


def _script(seed: int, n: int = 0):
    return script_project(_project(n), UNITS, PERIODS, random.Random(seed), WORK)


def _many(count: int = 300):
    return [_script(seed, seed) for seed in range(count)]


def test_same_seed_same_reports_and_another_seed_differs():
    assert _script(5) == _script(5)
    assert _script(5)[1] != _script(6)[1]


def test_actions_follow_the_workflow_in_time_by_the_right_people():
    for _, scripts in _many(50):
        for s in scripts:
            kinds = [a.kind for a in s.actions]
            assert kinds[:2] == ["open", "save"]
            assert [a.at for a in s.actions] == sorted({a.at for a in s.actions}), "times strictly increase"
            for a in s.actions:
                if a.kind in ("open", "save", "submit"):
                    assert a.by == ("liaison", s.unit_id)
                elif a.kind in ("return", "review"):
                    assert a.by == ("reviewer", 100), "the lead unit reviews, districts included"
                else:
                    assert a.by == ("coordinator", None)
                if a.kind == "return":
                    assert a.reason
            allowed = {"open": {"save"}, "save": {"submit"}, "submit": {"return", "review"},
                       "return": {"save"}, "review": {"accept"}}
            assert all(b in allowed[a] for a, b in zip(kinds, kinds[1:], strict=False))


def test_figures_are_cumulative_and_over_fulfilment_is_confirmed():
    for project_n, (_, scripts) in enumerate(_many(100)):
        targets = {t.id: t for t in _project(project_n).targets}
        last: dict[tuple[int, int], Decimal] = {}
        for s in sorted(scripts, key=lambda s: s.period):
            final = [a.content for a in s.actions if a.kind == "save"][-1]
            for target_id, entry in final.figures.items():
                key = (s.unit_id, target_id)
                assert entry["value"] >= last.get(key, 0), "never below an earlier month: no reason needed"
                assert entry["over_target_confirmed"] == (entry["value"] > targets[target_id].value)
                last[key] = entry["value"]
            for content in (a.content for a in s.actions if a.kind == "save"):
                for target_id, entry in content.figures.items():
                    # What services._check_figures demands before a save goes through.
                    assert entry["value"] <= targets[target_id].value or entry["over_target_confirmed"]


def test_units_report_what_is_theirs_in_whole_numbers_where_the_target_counts():
    for _, scripts in _many(30):
        for s in scripts:
            content = [a.content for a in s.actions if a.kind == "save"][-1]
            if s.unit_id == 100:
                assert set(content.figures) and not content.allocation_figures
                assert content.fields["spent_local"] is not None
                count = next(f["value"] for t, f in content.figures.items() if t % 10 == 1)
                assert count == count.to_integral_value()
            else:
                assert not content.figures
                assert {a % 10 for a in content.allocation_figures} == {3 if s.unit_id == 101 else 4}
                assert content.fields.get("spent_local") is None
            assert content.fields["progress_text"].startswith(f"截至{PERIODS[s.period].month}月底")


def test_most_projects_on_track_some_lagging_a_few_critical():
    statuses = Counter()
    for n, (_, scripts) in enumerate(_many(300)):
        target = _project(n).targets[0]
        lead = [s for s in scripts if s.unit_id == 100 and s.period == len(PERIODS) - 2]
        if not lead:
            continue
        value = [a.content for a in lead[0].actions if a.kind == "save"][-1].figures[target.id]["value"]
        spec = TargetSpec(float(target.value), target.op)
        statuses[classify(target_fraction(float(value), spec), target.expected[len(PERIODS) - 2])] += 1
    total = sum(statuses.values())
    fine = statuses[Status.ON_TRACK] + statuses[Status.AHEAD] + statuses[Status.DONE]
    assert fine / total > 0.55
    assert 0.08 < statuses[Status.LAGGING] / total < 0.35
    assert 0.02 < statuses[Status.CRITICAL] / total < 0.2


def test_missing_late_returned_and_the_latest_month_still_under_review():
    scripts = [s for _, project_scripts in _many(200) for s in project_scripts]
    last = len(PERIODS) - 1
    earlier = [s for s in scripts if s.period < last]
    latest = [s for s in scripts if s.period == last]
    assert Counter(s.final_state for s in earlier).keys() == {"accepted", "draft"}
    latest_states = Counter(s.final_state for s in latest)
    assert {"submitted", "reviewed", "returned", "accepted"} <= latest_states.keys()
    assert latest_states["accepted"] / len(latest) > 0.5
    returned_then_accepted = [s for s in scripts if s.final_state == "accepted"
                              and any(a.kind == "return" for a in s.actions)]
    assert 0.02 < len(returned_then_accepted) / len(scripts) < 0.12
    # Late: the last submission after the due date.
    late = [s for s in scripts if any(a.kind == "submit" for a in s.actions)
            and [a for a in s.actions if a.kind == "submit"][-1].at.date() > PERIODS[s.period].due_on]
    assert 0.02 < len(late) / len(scripts) < 0.2
    # Missing: a unit and month with no report at all.
    filed = {(n, s.unit_id, s.period) for n, (_, ss) in enumerate(_many(200)) for s in ss}
    assert 0.01 < 1 - len(filed) / (200 * len(UNITS) * len(PERIODS)) < 0.15


def test_a_project_reported_as_percent_complete_when_it_has_no_numeric_target():
    project = SimProject(name="无量化指标", targets=(), expected=_curve())
    _, scripts = script_project(project, UNITS[:1], PERIODS, random.Random(1), WORK)
    values = [[a.content for a in s.actions if a.kind == "save"][-1].fields["percent_complete"] for s in scripts]
    assert values == sorted(values) and values[-1] > 0


# --- with the database ------------------------------------------------------------------------

def _dump(plan, since: dict) -> dict:
    """Every row the simulation wrote after ``since``, keyed by what identifies it in any run."""
    from minsheng.progress.models import AllocationFigure, Report, ReportEvent, TargetFigure

    # Names, not ids: units, periods and users made in a rolled-back run come back with new ids on
    # PostgreSQL, whose sequences do not rewind.
    reports = {r.pk: (r.project_id, r.unit.name, r.period.key)
               for r in Report.objects.filter(period__plan=plan).select_related("unit", "period")}

    def user(u):
        return u.first_name if u else None

    out: dict = {}
    for r in Report.objects.filter(pk__in=reports).order_by():
        out[reports[r.pk]] = {
            "row": {f.attname: getattr(r, f.attname) for f in Report._meta.concrete_fields
                    if f.attname not in ("id", "unit_id", "period_id")},
            "events": [(e.action, user(e.by), e.at, e.reason, e.snapshot)
                       for e in ReportEvent.objects.filter(report=r).select_related("by").order_by("at")],
            "history": [(h.history_type, h.history_date, user(h.history_user),
                         {f: getattr(h, f) for f in ("state", "version", "progress_text", "percent_complete",
                                                     "spent_local", "submitted_at", "late", "return_reason",
                                                     "updated_at")})
                        for h in Report.history.filter(id=r.pk, history_id__gt=since["report"])
                        .select_related("history_user").order_by("history_date")],
            "figures": sorted((f.target_id, f.value, f.decrease_reason, f.over_target_confirmed)
                              for f in TargetFigure.objects.filter(report=r)),
            "allocations": sorted((f.allocation_id, f.value) for f in AllocationFigure.objects.filter(report=r)),
            "figure_history": sorted(
                (h.target_id, h.history_date, h.history_type, h.value, h.over_target_confirmed,
                 user(h.history_user))
                for h in TargetFigure.history.filter(report_id=r.pk, history_id__gt=since["target"])),
            "allocation_history": sorted(
                (h.allocation_id, h.history_date, h.history_type, h.value)
                for h in AllocationFigure.history.filter(report_id=r.pk, history_id__gt=since["allocation"])),
        }
    return out


@pytest.mark.django_db(transaction=False)
def test_bulk_rows_are_the_rows_the_services_write(hangzhou_plan):
    from minsheng.progress.models import AllocationFigure, Report, TargetFigure
    from minsheng.progress.simulate import simulate_plan

    plan = hangzhou_plan
    Report.objects.filter(period__plan=plan).delete()  # whatever the session's baseline holds
    # A project with district shares (few districts, to keep the slow path short) and one without.
    with_shares = min((p for p in plan.projects.all() if p.allocations.exists()),
                      key=lambda p: p.allocations.values("region").distinct().count())
    without = plan.projects.filter(allocations__isnull=True).first()
    ids = [with_shares.pk] + ([without.pk] if without else [])

    def last_id(model):
        return model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0

    since = {"report": last_id(Report), "target": last_id(TargetFigure), "allocation": last_id(AllocationFigure)}

    def run(via_services: bool):
        with transaction.atomic():
            result = simulate_plan(plan, (2024, 9), seed=4, via_services=via_services, project_ids=ids)
            dumped = _dump(plan, since)
            transaction.set_rollback(True)
        return result, dumped

    fast_result, fast = run(False)
    slow_result, slow = run(True)
    assert fast.keys() == slow.keys()
    for key in slow:
        assert fast[key] == slow[key], key
    # The comparison covered the interesting paths, not just accepted-first-time reports.
    assert fast_result.summary() == slow_result.summary()
    assert fast_result.returned and fast_result.late and fast_result.missing
    assert any(v["allocations"] for v in fast.values())
    assert len(fast_result.states) == len(Report.State), "seed 4 leaves reports in every state"


@pytest.mark.django_db
def test_the_demo_has_reports_of_every_kind_and_statuses_to_show(hangzhou_plan):
    from minsheng.core.models import Unit
    from minsheng.demo import simulate_reports
    from minsheng.progress.models import AllocationFigure, Report, ReportEvent
    from minsheng.progress.selectors import plan_progress

    simulate_reports([hangzhou_plan])
    reports = Report.objects.filter(period__plan=hangzhou_plan)
    states = Counter(reports.values_list("state", flat=True))
    assert set(states) == {"draft", "submitted", "returned", "reviewed", "accepted"}
    assert reports.filter(late=True).exists()
    assert reports.filter(state="accepted", events__action=ReportEvent.Action.RETURNED).exists()
    assert Unit.objects.filter(name="上城区人民政府", region__name="上城区", kind=Unit.Kind.GOVERNMENT).exists()
    assert AllocationFigure.objects.filter(report__period__plan=hangzhou_plan).exists()
    # The demo's own liaison appears in the history of 市民政局's reports.
    assert ReportEvent.objects.filter(report__unit__name="市民政局", by__username="liaison").exists()
    counts = plan_progress(hangzhou_plan, D(2024, 9, 20)).counts()
    assert counts[Status.ON_TRACK] > counts[Status.LAGGING] > 0
    assert counts[Status.CRITICAL] > 0

    before = reports.count()
    simulate_reports([hangzhou_plan])
    assert reports.count() == before, "preparing the demo twice simulates once"


@pytest.mark.django_db
def test_simulate_command_fills_a_plan_and_refuses_to_do_it_twice(hangzhou_plan, capsys):
    from minsheng.cli import main
    from minsheng.progress.models import Report

    assert main(["simulate", "--plan", str(hangzhou_plan.pk), "--until", "2024/9"]) == 2
    assert main(["simulate", "--plan", str(hangzhou_plan.pk), "--until", "2024-03", "--seed", "2"]) == 0
    assert "3期" in capsys.readouterr().out
    assert set(Report.objects.filter(period__plan=hangzhou_plan).values_list("period__month", flat=True)) == {1, 2, 3}
    assert main(["simulate", "--plan", str(hangzhou_plan.pk), "--until", "2024-09"]) == 2
    assert "已有报送数据" in capsys.readouterr().err
