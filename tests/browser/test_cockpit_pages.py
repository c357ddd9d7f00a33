"""The leaders' cockpit in a real browser: a 1920×1080 wall screen and a phone, charts drawn by
the app's own ECharts, drill-down by clicking a bar, nothing fetched from outside 127.0.0.1."""

import pytest

from tests.browser._offline import outside, watch_requests
from tests.browser.staff import submit

pytestmark = pytest.mark.browser


def _charts_ready(page) -> int:
    charts = page.locator("[data-chart]")
    page.wait_for_function(f"document.querySelectorAll('[data-chart][data-ready]').length === {charts.count()}")
    page.wait_for_selector("[data-map-root].map-ready canvas")
    return charts.count()


def test_cockpit_on_a_wall_screen_and_a_phone(live_server, demo_data, page, shot):
    from minsheng.plans.models import Plan

    plan = Plan.objects.get(region__name="杭州市")
    page.set_viewport_size({"width": 1920, "height": 1080})
    requests = watch_requests(page)
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("minsheng-demo")
    submit(page.get_by_role("button", name="登录"))
    page.wait_for_url("**/staff/**")
    page.goto(f"{live_server.url}/staff/cockpit/")
    page.wait_for_url(f"**/staff/cockpit/plans/{plan.pk}/")
    assert _charts_ready(page) >= 6
    shot(page, "cockpit-wall")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _charts_ready(page)
    shot(page, "cockpit-phone")

    # Drill down: click the first category's bar, land on the overview filtered to it.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.reload()
    _charts_ready(page)
    page.locator("[data-chart=category]").scroll_into_view_if_needed()
    xy = page.evaluate("""() => {
        const el = document.querySelector('[data-chart=category]');
        const chart = echarts.getInstanceByDom(el);
        const d = chart.getOption().series[0].data[0];
        const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, Math.max(d.value, 4) / 2]);
        const box = el.getBoundingClientRect();
        return {x: box.left + x, y: box.top + y};
    }""")
    page.mouse.click(xy["x"], xy["y"])
    page.wait_for_url("**group=category**")
    assert page.locator("table").count() >= 1
    assert outside(requests) == []
