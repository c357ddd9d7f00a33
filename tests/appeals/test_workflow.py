"""The workflow services: every step, its clock and its record, on the real database."""

import datetime

import pytest

from minsheng.appeals import clock, services
from minsheng.appeals.models import Appeal, AppealEvent, AppealState, Extension
from minsheng.core.calendar import work_calendar

pytestmark = pytest.mark.django_db
S = AppealState


def test_submission_starts_the_acceptance_clock_and_suggests_a_unit(make_appeal, civil_affairs):
    appeal = make_appeal()
    assert appeal.state_id == S.SUBMITTED and appeal.code.startswith("MS") and len(appeal.code) == 12
    assert appeal.suggested_unit == civil_affairs
    assert "规则「养老与社会救助」" in appeal.suggestion and "助餐" in appeal.suggestion
    assert appeal.accept_due > appeal.received_at
    assert work_calendar().is_workday(appeal.accept_due.astimezone(clock.TZ).date())
    event = appeal.events.get()
    assert (event.kind, event.actor_label, event.to_state) == ("submitted", "市民", S.SUBMITTED)


def test_full_lifecycle_with_one_reopen_then_the_coordinators_decision(make_appeal, users, civil_affairs):
    coordinator, liaison = users["coordinator"], users["liaison"]
    appeal = make_appeal()
    appeal = services.accept(appeal, coordinator, civil_affairs)
    assert appeal.state_id == S.ACCEPTED and appeal.handle_due > appeal.accepted_at
    appeal = services.sign(appeal, liaison)
    appeal = services.answer(appeal, liaison, "已协调社区在下月开设老年食堂。")
    assert appeal.state_id == S.ANSWERED

    first_due = appeal.handle_due
    appeal = services.rate(appeal, Appeal.Rating.UNSATISFIED, False, "没有时间表")
    assert appeal.state_id == S.REOPENED and appeal.reopen_count == 1
    assert appeal.handle_due >= first_due  # a fresh limit from the rating

    appeal = services.answer(appeal, liaison, "老年食堂将于 11 月 1 日开业。")
    appeal = services.rate(appeal, Appeal.Rating.UNSATISFIED, False)
    # Reopened once already: the coordinator decides now.
    assert appeal.state_id == S.RATED and appeal.reopen_count == 1
    with pytest.raises(services.WorkflowError):
        services.close(appeal, coordinator, "")
    appeal = services.close(appeal, coordinator, "已按计划开设，答复属实，予以办结。")
    assert appeal.state_id == S.CLOSED and appeal.closed_at is not None
    assert not AppealState.objects.get(pk=appeal.state_id).is_open

    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "accepted", "signed", "answered", "rated", "reopened", "answered", "rated", "rated",
                     "closed"]
    actors = {e.kind: e.actor_id for e in appeal.events.all()}
    assert actors["accepted"] == coordinator.pk and actors["signed"] == liaison.pk
    assert actors["closed"] == coordinator.pk


def test_a_satisfied_rating_closes(make_appeal, users, civil_affairs):
    appeal = services.accept(make_appeal(), users["coordinator"], civil_affairs)
    appeal = services.answer(appeal, users["liaison"], "已办理。")
    appeal = services.rate(appeal, Appeal.Rating.BASIC, True)
    assert appeal.state_id == S.CLOSED and appeal.rating == "basic" and appeal.resolved is True


def test_steps_out_of_order_are_refused_and_change_nothing(make_appeal, users, civil_affairs):
    appeal = make_appeal()
    with pytest.raises(services.WorkflowError, match="待受理"):
        services.answer(appeal, users["liaison"], "答复")
    with pytest.raises(services.WorkflowError):
        services.rate(appeal, Appeal.Rating.SATISFIED, True)
    appeal.refresh_from_db()
    assert appeal.state_id == S.SUBMITTED and appeal.events.count() == 1


def test_reassignment_keeps_the_clock_and_is_recorded_internally(make_appeal, users, civil_affairs, hangzhou):
    from minsheng.core.models import Unit

    appeal = services.accept(make_appeal(), users["coordinator"], civil_affairs)
    due = appeal.handle_due
    other = Unit.objects.get(region=hangzhou, name="市卫生健康委员会")
    appeal = services.reassign(appeal, users["coordinator"], other, "属于医养结合")
    assert appeal.unit == other and appeal.handle_due == due
    event = appeal.events.get(kind="reassigned")
    assert not event.public and "属于医养结合" in event.note


def test_extension_approved_moves_the_deadline_by_working_days(make_appeal, users, civil_affairs):
    appeal = services.accept(make_appeal(), users["coordinator"], civil_affairs)
    # A deadline in force of Friday 27 September 2024, so the answer is worked out by hand, not by the calendar.
    Appeal.objects.filter(pk=appeal.pk).update(handle_due=datetime.datetime(2024, 9, 27, 23, 59, 59, tzinfo=clock.TZ))
    extension = services.request_extension(appeal, users["liaison"], 2, "需要现场踏勘")
    with pytest.raises(services.WorkflowError):
        services.request_extension(appeal, users["liaison"], 1, "再次申请")
    services.decide_extension(extension, users["coordinator"], True, "同意")
    appeal.refresh_from_db()
    # Two working days after Friday 9-27: Sunday 9-29 (worked in exchange for National Day), Monday 9-30.
    assert appeal.handle_due == datetime.datetime(2024, 9, 30, 23, 59, 59, tzinfo=clock.TZ)
    assert Extension.objects.get(pk=extension.pk).status == "approved"
    with pytest.raises(services.WorkflowError):
        services.decide_extension(extension, users["coordinator"], False)


def test_rejected_extension_leaves_the_deadline(make_appeal, users, civil_affairs):
    appeal = services.accept(make_appeal(), users["coordinator"], civil_affairs)
    due = appeal.handle_due
    services.decide_extension(services.request_extension(appeal, users["liaison"], 5, "人手不足"),
                              users["coordinator"], False, "理由不充分")
    appeal.refresh_from_db()
    assert appeal.handle_due == due


def test_overdue_appeals_escalate_once_per_level(make_appeal, users, civil_affairs):
    appeal = make_appeal()
    late = appeal.accept_due + datetime.timedelta(hours=1)
    assert services.escalate_overdue(late) >= 1
    appeal.refresh_from_db()
    assert appeal.escalation == 1
    before = AppealEvent.objects.filter(appeal=appeal, kind="escalated").count()
    services.escalate_overdue(late + datetime.timedelta(minutes=5))
    assert AppealEvent.objects.filter(appeal=appeal, kind="escalated").count() == before
    services.escalate_overdue(appeal.accept_due + datetime.timedelta(days=10))
    appeal.refresh_from_db()
    assert appeal.escalation == 2
    assert "分管领导" in appeal.events.filter(kind="escalated").last().note


def test_key_supervision_is_counted_by_year(make_appeal, users):
    from minsheng.appeals.selectors import key_supervision_count

    coordinator = users["coordinator"]
    year = datetime.date.today().year
    before = key_supervision_count(coordinator, year)
    appeal = services.set_key_supervision(make_appeal(), coordinator, True, "群众反映强烈")
    assert appeal.key_supervision and key_supervision_count(coordinator, year) == before + 1
    services.set_key_supervision(appeal, coordinator, False)
    assert key_supervision_count(coordinator, year) == before
    assert appeal.events.filter(kind="key_supervision").count() == 2


def test_likely_duplicates_are_linked(make_appeal):
    first = make_appeal("小区门口道路坑洼积水，老人出行不便，希望尽快修补路面", category="complaint",
                        phone="13700002222")
    second = make_appeal("希望尽快修补路面！小区门口道路坑洼积水，老人出行很不便", category="complaint",
                         phone="+86 137 0000 2222")
    other = make_appeal("楼下酒吧噪音扰民到凌晨两点", category="complaint", phone="13700002222")
    assert second.duplicate_of == first
    assert other.duplicate_of is None
    assert second.events.filter(kind="duplicate").exists()


def test_candidate_project_lands_in_next_years_draft_plan(make_appeal, users, hangzhou):
    from minsheng.plans.models import Plan

    appeals = [make_appeal(f"老旧小区加装电梯太慢 {i}", phone=f"1390000{i:04d}") for i in range(5)]
    made = services.create_candidate_project(users["coordinator"], "电梯", hangzhou, [a.pk for a in appeals], 2031)
    plan = made.project.plan
    assert plan.year == 2031 and plan.status == Plan.Status.DRAFT and plan.region == hangzhou
    assert not made.project.public and "5 件群众诉求" in made.project.content
    assert set(made.appeals.all()) == set(appeals)
    again = services.create_candidate_project(users["coordinator"], "停车", hangzhou, [appeals[0].pk], 2031)
    assert again.project.plan == plan and again.project.category == made.project.category
