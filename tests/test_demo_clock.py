"""Moving a seed plan to the demo's year: dates, the plan year and printed years, nothing else."""

import datetime

import pytest

from minsheng.demo_clock import shift_date, shift_document


def test_shift_date_keeps_month_and_day_and_folds_29_february():
    assert shift_date(datetime.date(2024, 9, 30), 2) == datetime.date(2026, 9, 30)
    assert shift_date(datetime.date(2024, 2, 29), 2) == datetime.date(2026, 2, 28)
    assert shift_date(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)


def test_shift_document_moves_dates_year_and_printed_years_only():
    doc = {
        "schema": "minsheng.plan/1",
        "plan": {"title": "杭州市2024年民生实事项目", "year": 2024, "issued_on": "2024-02-04",
                 "document_number": "杭政办〔2024〕5号"},
        "projects": [{
            "name": "新增养老床位2024张",  # a figure, not a year: no 年 after it
            "deadline": "2024-11-30",
            "content": "2024年底前完成，较2023年增长20%",
            "targets": [{"value": 2024, "unit": "张"}],
            "milestones": [{"due": "2024-06-30", "percent": 60}],
        }],
    }
    moved = shift_document(doc, 2)
    assert moved["plan"] == {"title": "杭州市2026年民生实事项目", "year": 2026, "issued_on": "2026-02-04",
                             "document_number": "杭政办〔2026〕5号"}
    project = moved["projects"][0]
    assert project["name"] == "新增养老床位2024张"
    assert project["deadline"] == "2026-11-30"
    assert project["content"] == "2026年底前完成，较2025年增长20%"
    assert project["targets"] == [{"value": 2024, "unit": "张"}]
    assert project["milestones"] == [{"due": "2026-06-30", "percent": 60}]
    assert doc["plan"]["year"] == 2024  # the original is left as it was
    assert shift_document(doc, 0) is doc


def _county_plan_moved_to(year: int):
    from minsheng.demo import DATA
    from minsheng.ingest.api import import_file
    from minsheng.plans.services import load_plan_document

    document = import_file(next((DATA / "seeds").glob("004_*.txt")))
    moved = year - document["plan"]["year"]
    printed = sorted(m["due"] for p in document["projects"] for m in p["milestones"])
    return load_plan_document(shift_document(document, moved)).plan, moved, printed


@pytest.mark.django_db
@pytest.mark.parametrize(("as_of", "last_month"), [
    # October's report is due on Tuesday 3 November 2026: closed the day after, not on the day.
    (datetime.date(2026, 11, 3), 9),
    (datetime.date(2026, 11, 4), 10),
])
def test_demo_simulates_up_to_the_last_period_closed_on_its_day(as_of, last_month):
    from minsheng.demo import simulate_reports
    from minsheng.progress.models import Report

    plan, moved, printed = _county_plan_moved_to(2026)
    assert (plan.year, moved) == (2026, 2)  # the seed is the 2024 plan
    stored = sorted(m.due for p in plan.projects.all() for m in p.milestones.all())
    # Each printed date two years on, same month and day (none is 29 February, so nothing folds):
    # 2023-11-18 -> 2025-11-18, 2024-03-31 -> 2026-03-31, ...
    assert printed and [d.isoformat() for d in stored] == [f"{int(d[:4]) + 2}{d[4:]}" for d in printed]
    simulate_reports([plan], as_of)
    months = set(Report.objects.filter(period__plan=plan).values_list("period__month", flat=True))
    assert max(months) == last_month
    assert set(Report.objects.filter(period__plan=plan).values_list("period__year", flat=True)) == {2026}
