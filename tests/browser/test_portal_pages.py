"""The public portal in a real browser: the project page and the map at desktop and phone widths,
nothing fetched from outside 127.0.0.1, no serious accessibility violations (axe-core from npm).

Each test loads the whole demo (live_server flushes the database), so a test covers a journey."""

import pytest

from tests.browser._offline import outside, serious_violations, watch_requests

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _project_with_sites():
    from minsheng.plans.models import Plan

    plan = Plan.objects.get(region__name="杭州市")
    return plan, plan.projects.filter(sites__isnull=False, public=True).distinct().order_by("position").first()


def _visit_project_and_map(page, url, plan, project, width, shot) -> None:
    page.goto(f"{url}/")
    page.get_by_role("link", name=plan.title).click()
    page.get_by_role("link", name=project.name).first.click()
    page.wait_for_url(f"**/projects/{project.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == project.name
    page.wait_for_selector("[data-map-root].map-ready canvas")
    assert page.get_by_role("progressbar").count() == 1
    shot(page, f"portal-project-{width}")

    page.goto(f"{url}/plans/{plan.pk}/map/")
    page.wait_for_selector("[data-map-root].map-ready canvas")
    total = int(page.locator("[data-map-count]").inner_text())
    assert total > 10
    category = page.locator("#map-category option").nth(1).inner_text()
    page.locator("#map-category").select_option(label=category)
    assert 0 < int(page.locator("[data-map-count]").inner_text()) < total
    page.locator("#map-category").select_option(index=0)
    shot(page, f"portal-map-{width}")


def test_portal_on_a_phone(live_server, demo_data, page, shot):
    plan, project = _project_with_sites()
    page.set_viewport_size(PHONE)
    requests = watch_requests(page)
    _visit_project_and_map(page, live_server.url, plan, project, "phone", shot)
    assert outside(requests) == []


def test_portal_on_a_desktop_with_keyboard_and_axe(live_server, demo_data, page, shot):
    plan, project = _project_with_sites()
    page.set_viewport_size(DESKTOP)
    requests = watch_requests(page)
    _visit_project_and_map(page, live_server.url, plan, project, "desktop", shot)

    # Clicking a point opens its project: the point's pixel from ECharts, then a real mouse click.
    page.locator(".map-canvas").scroll_into_view_if_needed()
    # The point farthest from any other, so the click cannot land on a neighbour.
    xy = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.querySelector('.map-canvas'));
        const points = chart.getOption().series[0].data.map(
            p => ({url: p.url, xy: chart.convertToPixel({seriesIndex: 0}, p.value)}));
        const gap = p => Math.min(...points.filter(q => q !== p)
            .map(q => Math.hypot(q.xy[0] - p.xy[0], q.xy[1] - p.xy[1])));
        const best = points.reduce((a, b) => gap(b) > gap(a) ? b : a);
        const box = document.querySelector('.map-canvas').getBoundingClientRect();
        return {x: box.left + best.xy[0], y: box.top + best.xy[1], url: best.url};
    }""")
    page.mouse.click(xy["x"], xy["y"])
    page.wait_for_url(f"**{xy['url']}")

    # Rating with the keyboard only.
    page.get_by_label("基本满意").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="提交评价").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#rating")
    assert "感谢您的评价" in page.content() and "共 1 人评价" in page.content()

    for path in ["/", f"/plans/{plan.pk}/", f"/projects/{project.pk}/", f"/plans/{plan.pk}/map/"]:
        page.goto(f"{live_server.url}{path}")
        if "map" in path or "projects" in path:
            page.wait_for_selector("[data-map-root].map-ready canvas")
        assert serious_violations(page) == [], path
    assert outside(requests) == []
