"""The Content-Security-Policy in a real browser: the cockpit's and the portal's ECharts pages draw
their charts and maps, the language menu still switches, and Chromium reports no violation."""

import pytest

from tests.browser.staff import sign_in

pytestmark = pytest.mark.browser


def _violations(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    return seen


def test_charts_maps_and_menus_work_under_the_policy(live_server, demo_data, page):
    from minsheng.plans.models import Plan

    plan = Plan.objects.get(region__name="杭州市")
    project = plan.projects.filter(sites__isnull=False, public=True).distinct().order_by("position").first()
    violations = _violations(page)

    response = page.goto(f"{live_server.url}/plans/{plan.pk}/map/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("[data-map-root].map-ready canvas")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.wait_for_selector("[data-map-root].map-ready canvas")

    # The language menu submits itself from a static script, not an onchange attribute.
    with page.expect_navigation():
        page.locator("#lang-select").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.locator("#lang-select").select_option("zh-hans")

    sign_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/staff/cockpit/plans/{plan.pk}/")
    charts = page.locator("[data-chart]").count()
    page.wait_for_function(f"document.querySelectorAll('[data-chart][data-ready]').length === {charts}")
    page.wait_for_selector("[data-map-root].map-ready canvas")
    # Hovering a bar opens ECharts' tooltip, which it writes with style attributes.
    box = page.locator("[data-chart=category]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert violations == []
