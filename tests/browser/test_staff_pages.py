"""A coordinator logs in, filters a plan's projects and opens one, in a real browser."""

import pytest

from tests.browser.staff import submit

pytestmark = pytest.mark.browser


def test_coordinator_filters_a_plan_and_opens_a_project(live_server, demo_data, page, shot):
    from minsheng.plans.models import Plan

    plan = Plan.objects.get(region__name="杭州市")
    category = plan.categories.order_by("position")[2]
    in_category = category.projects.order_by("position")
    project = in_category.first()

    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("用户名").fill("coordinator")
    page.get_by_label("密码").fill("minsheng-demo")
    submit(page.get_by_role("button", name="登录"))
    page.get_by_role("link", name=plan.title).click()
    rows = page.locator("table.projects tbody tr:not(.group)")
    assert rows.count() == plan.projects.count()

    page.get_by_label("类别").select_option(label=category.name)
    page.wait_for_url(f"**category={category.pk}**")
    page.wait_for_function(
        f"document.querySelectorAll('table.projects tbody tr:not(.group)').length === {in_category.count()}"
    )
    assert rows.count() == in_category.count()
    shot(page, "plan-filtered")

    page.get_by_role("link", name=project.name).click()
    page.wait_for_url(f"**/staff/projects/{project.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == project.name
    assert page.locator("#deadline").inner_text() == project.deadline.isoformat()
    shot(page, "project")
