"""A finding in the browser: recorded by the inspector, answered with a photo by the unit, closed,
gone from the open list, and counted in the assessment's drill-down."""

import datetime

import pytest

from tests.browser.staff import PNG, sign_in, submit

pytestmark = pytest.mark.browser


def test_finding_answered_with_a_photo_closed_and_scored(live_server, demo_data, page, shot, tmp_path):
    from minsheng.core.models import Unit
    from minsheng.plans.models import Plan
    from minsheng.supervision.models import Finding

    plan = Plan.objects.get(region__name="杭州市")
    civil = Unit.objects.get(region=plan.region, name="市民政局")
    project = plan.projects.filter(unit_links__unit=civil, unit_links__role="lead").order_by("position").first()
    photo = tmp_path / "整改后.png"
    photo.write_bytes(PNG)
    base = live_server.url

    sign_in(page, base, "coordinator")
    page.goto(f"{base}/staff/supervision/plans/{plan.pk}/")
    page.get_by_label("督查方式").select_option("unannounced")
    page.get_by_label("督查日期").fill("2024-09-10")
    page.get_by_label("督查组成员").fill("市政府督查室 张明、李华")
    page.get_by_label("督查项目").select_option(str(project.pk))
    page.get_by_label("发现问题").fill("部分助餐点未公示价格")
    page.get_by_label("问题程度").select_option("major")
    page.get_by_label("责任单位").select_option(str(civil.pk))
    page.get_by_label("问题所属项目").select_option(str(project.pk))
    page.get_by_label("整改时限").fill("2024-09-30")
    page.get_by_label("整改要求").fill("全部助餐点公示收费标准")
    submit(page.get_by_role("button", name="保存督查记录"))
    page.wait_for_url(f"**/staff/supervision/plans/{plan.pk}/")
    finding = Finding.objects.get(inspection__plan=plan, description="部分助餐点未公示价格")
    shot(page, "supervision-1-recorded")

    sign_in(page, base, "liaison")
    page.goto(f"{base}/staff/supervision/")
    page.get_by_role("link", name="部分助餐点未公示价格").click()
    page.get_by_label("整改情况").fill("已在全部助餐点张贴收费标准")
    page.get_by_label("整改后照片").set_input_files(str(photo))
    submit(page.get_by_role("button", name="报送整改情况"))
    assert page.locator("#finding-state").inner_text() == "已报整改待核验"
    assert page.locator("img[alt='整改后.png']").count() == 1
    shot(page, "supervision-2-answered")

    sign_in(page, base, "coordinator")
    page.goto(f"{base}/staff/supervision/findings/{finding.pk}/")
    submit(page.get_by_role("button", name="核验销号"))
    assert page.locator("#finding-state").inner_text() == "已销号"
    page.goto(f"{base}/staff/supervision/")
    assert page.locator(f"tr[data-finding='{finding.pk}']").count() == 0

    page.goto(f"{base}/staff/assessment/plans/{plan.pk}/")
    # Judged as of today: the closure the test just made counts (an earlier date sees it open).
    page.get_by_label("考核截止日期").fill(datetime.date.today().isoformat())
    submit(page.get_by_role("button", name="计算得分"))
    row = page.locator("table.scores tr[data-score]", has=page.get_by_text("市民政局", exact=True)).first
    row.locator("summary").click()
    item = row.locator(f"li[data-finding='{finding.pk}']")
    assert item.is_visible() and "closed" in item.inner_text()
    shot(page, "supervision-3-assessment")
