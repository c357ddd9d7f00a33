"""A month's report in the browser: filled with a photo, returned, corrected, reviewed, accepted."""

import datetime

import pytest

from tests.browser.staff import PNG, sign_in, submit

pytestmark = pytest.mark.browser


def test_report_round_trip_changes_the_overview(live_server, demo_data, page, shot, tmp_path):
    from minsheng.plans.models import Plan, ProjectUnit
    from minsheng.progress.models import Report
    from minsheng.progress.selectors import plan_progress
    from minsheng.progress.services import ensure_periods

    plan = Plan.objects.get(region__name="杭州市")
    project = next(p for p in plan.projects.filter(unit_links__role=ProjectUnit.Role.LEAD,
                                                    unit_links__unit__name="市民政局").order_by("position")
                   if p.targets.count() == 1)
    target = project.targets.get()
    period = next(p for p in ensure_periods(plan, datetime.date(2024, 12, 31)) if p.month == 6)
    Report.objects.filter(project=project, period=period).delete()  # whatever an earlier test left
    on = period.due_on + datetime.timedelta(days=1)
    before = plan_progress(plan, on, [project.pk]).projects[0]
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    base = live_server.url

    sign_in(page, base, "liaison")
    page.goto(f"{base}/staff/progress/projects/{project.pk}/periods/{period.pk}/report/")
    submit(page.get_by_role("button", name="开始填写"))
    page.get_by_label(f"{target.get_op_display()}{target.value.normalize():f}{target.unit}").fill("150")
    page.get_by_label("进展情况").fill("已建成助餐点150个，正在验收")
    page.get_by_label("现场照片").set_input_files(str(photo))
    submit(page.get_by_role("button", name="报送", exact=True))
    page.wait_for_url("**/staff/progress/")
    report = Report.objects.get(project=project, period=period)
    assert report.state == "submitted" and report.attachments.count() == 1

    sign_in(page, base, "reviewer")
    page.goto(f"{base}/staff/progress/reports/{report.pk}/")
    page.get_by_label("退回理由").fill("请核对完成数，台账为140个")
    submit(page.get_by_role("button", name="退回"))
    assert page.locator("#report-state").inner_text() == "已退回"

    sign_in(page, base, "liaison")
    assert "请核对完成数，台账为140个" in page.goto(f"{base}/staff/progress/").text()
    page.goto(f"{base}/staff/progress/reports/{report.pk}/")
    page.get_by_label(f"{target.get_op_display()}{target.value.normalize():f}{target.unit}").fill("140")
    submit(page.get_by_role("button", name="报送", exact=True))
    page.wait_for_url("**/staff/progress/")
    page.goto(f"{base}/staff/progress/reports/{report.pk}/")
    assert "<del>150</del>" in page.content() and "<ins>140</ins>" in page.content()
    shot(page, "report-resubmitted")

    sign_in(page, base, "reviewer")
    page.goto(f"{base}/staff/progress/reports/{report.pk}/")
    submit(page.get_by_role("button", name="审核通过"))
    sign_in(page, base, "coordinator")
    page.goto(f"{base}/staff/progress/reports/{report.pk}/")
    submit(page.get_by_role("button", name="采纳"))
    assert page.locator("#report-state").inner_text() == "已采纳"

    after = plan_progress(plan, on, [project.pk]).projects[0]
    assert after.fraction == pytest.approx(140 / float(target.value))
    # No report for June before: 未报送; accepted now, the status follows the figures.
    assert before.status == "missing" and after.status != "missing"
    page.goto(f"{base}/staff/progress/plans/{plan.pk}/?on={on}&status={after.status}")
    assert page.get_by_role("link", name=project.name).count() == 1
    shot(page, "overview")
    page.goto(f"{base}/staff/progress/projects/{project.pk}/?on={on}")
    assert page.locator("#status").inner_text() == after.status_label
    assert page.locator("#actual").inner_text() == f"{after.percent}%"
    shot(page, "project-progress")

    # The notice for June: generated in the background, downloaded, and read back.
    page.goto(f"{base}/staff/progress/plans/{plan.pk}/notices/")
    page.get_by_label("报送周期").select_option(label=str(period))
    submit(page.get_by_role("button", name="生成通报"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Word").first.click()
    path = tmp_path / "notice.docx"
    download.value.save_as(path)
    _check_notice(path, plan, period)
    shot(page, "notices")


def _check_notice(path, plan, period) -> None:
    import docx

    from minsheng.progress.notice import notice_date
    from minsheng.progress.selectors import plan_progress

    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(str(path)).tables for row in t.rows for c in row.cells)
    progress = plan_progress(plan, notice_date(period))
    assert "第1期" in text
    words = {"done": "已完成", "ahead": "超前", "on_track": "正常推进", "lagging": "、滞后", "critical": "严重滞后",
             "missing": "未报送"}
    for status, count in progress.counts().items():
        assert f"{words[status]}{count}个" in text
    for p in progress.lagging():
        assert p.project.name in text + cells
