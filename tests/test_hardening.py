"""Hardening: the login lockout per username and address, error pages in the site's layout, odd
input answered 400, report figures bounded to what the database holds, the Content-Security-Policy."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import get_resolver

from minsheng.core import params
from minsheng.core.middleware import BusyDatabase
from minsheng.demo import DEMO_PASSWORD
from tests.helpers import login

pytestmark = pytest.mark.django_db

A, B = "192.0.2.10", "198.51.100.20"  # documentation addresses: nothing is sent anywhere


def _login(client: Client, username: str, password: str, **headers) -> HttpResponse:
    return client.post("/staff/login/", {"username": username, "password": password}, **headers)


# --- login lockout (django-axes by username and address) ---------------------------------------------


def test_failures_for_a_made_up_name_do_not_lock_out_a_real_user_at_the_same_address(client):
    # The fifth failure is the one that locks (AXES_FAILURE_LIMIT = 5).
    statuses = [_login(client, "nobody", "wrong", REMOTE_ADDR=A).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = _login(client, "coordinator", DEMO_PASSWORD, REMOTE_ADDR=A)
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_five_failures_lock_the_user_at_that_address_only(client):
    statuses = [_login(client, "coordinator", "wrong", REMOTE_ADDR=A).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = _login(client, "coordinator", DEMO_PASSWORD, REMOTE_ADDR=A)  # even the right password
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "登录已暂时锁定" in html and "连续 5 次登录失败" in html and "30 分钟后再试" in html
    assert 'class="topbar"' in html and "民声留言板" in html  # the site's layout and menu
    assert "_auth_user_id" not in client.session

    elsewhere = Client()
    response = _login(elsewhere, "coordinator", DEMO_PASSWORD, REMOTE_ADDR=B)
    assert response.status_code == 302 and elsewhere.session["_auth_user_id"]


def test_behind_one_proxy_a_forged_left_forwarded_entry_does_not_escape_the_lockout(client, settings):
    settings.MINSHENG_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    # The proxy appends the real client (A); the client invents whatever it likes on the left.
    statuses = [_login(client, "coordinator", "wrong", REMOTE_ADDR=proxy,
                       HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, {A}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    forged = _login(client, "coordinator", DEMO_PASSWORD, REMOTE_ADDR=proxy,
                    HTTP_X_FORWARDED_FOR=f"203.0.113.99, {A}")
    assert forged.status_code == 429
    other = _login(Client(), "coordinator", DEMO_PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=B)
    assert other.status_code == 302


def test_a_name_longer_than_any_account_fails_like_any_wrong_name(client):
    # PostgreSQL refused to record the failure (varchar(255)): the login page answered 500.
    response = _login(client, "长" * 2000, "wrong", REMOTE_ADDR=A)
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().username == "长" * 150


# --- error pages ---------------------------------------------------------------------------------------


def _in_layout(html: str) -> bool:
    return '<html lang="zh-hans">' in html and 'class="topbar"' in html and "返回首页" in html


def test_not_found_and_forbidden_pages_keep_the_menu_of_the_signed_in_user(client, users, hangzhou_plan, settings):
    assert settings.DEBUG is False
    login(client, users["liaison"])
    missing = client.get("/staff/plans/987654/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert _in_layout(html) and "页面不存在" in html and "年度计划" in html and "/staff/" in html

    forbidden = client.get(f"/staff/plans/{hangzhou_plan.pk}/export.json")
    assert forbidden.status_code == 403
    html = forbidden.content.decode()
    assert _in_layout(html) and "无权访问" in html and "我的任务" in html


def test_bad_request_page_names_the_parameter(client, users, hangzhou_plan):
    login(client, users["coordinator"])
    response = client.get(f"/staff/plans/{hangzhou_plan.pk}/", {"category": "²"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _in_layout(html) and "请求有误" in html and "参数 category 的值无效：²" in html


def test_server_error_page_is_in_the_layout_without_touching_the_request():
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/staff/plans/1/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert _in_layout(html) and "系统出错" in html and "工作人员登录" in html


def test_expired_form_is_explained_not_a_bare_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/login/", {"username": "coordinator", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert _in_layout(html) and "页面已过期" in html and "CSRF verification failed" not in html


def test_error_pages_speak_english_when_english_is_chosen(client):
    client.cookies["django_language"] = "en"
    html = client.get("/plans/987654/").content.decode()
    assert "Page not found" in html and "Back to the home page" in html


def test_a_locked_sqlite_database_is_answered_busy_with_retry_after(rf):
    def locked_view(request):
        raise OperationalError("database is locked")

    middleware = BusyDatabase(lambda request: HttpResponse())
    request = rf.post("/staff/progress/reports/1/")
    response = middleware.process_exception(request, _raised(locked_view, request))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "系统繁忙，请稍后重试" in response.content.decode()
    # Any other database error is a real fault and stays one.
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None


def _raised(view, request) -> Exception:
    try:
        view(request)
    except Exception as exc:  # noqa: BLE001 - the exception is what the test hands on
        return exc
    raise AssertionError("the view did not raise")


# --- odd input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "ok"), [
    ("42", 42), (" 7 ", 7), ("²", None), ("١٢", None), ("-1", None), ("1.5", None), ("", None),
    (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("9" * 400, None),
])
def test_parse_int_takes_ascii_digits_within_a_bigint(text, ok):
    if ok is None:
        with pytest.raises(ValueError):
            params.parse_int(text)
    else:
        assert params.parse_int(text) == ok


def test_query_readers_default_when_absent_and_refuse_when_malformed():
    assert params.query_int({}, "unit") is None and params.query_int({"unit": ""}, "unit", 3) == 3
    assert params.query_date({"on": "2024-06-30"}, "on") == datetime.date(2024, 6, 30)
    assert params.query_ids({"unit": "1, 2,,3"}, "unit") == [1, 2, 3]
    for bad in ({"on": "9999-12-31"}, {"on": "1899-12-31"}, {"on": "2024-02-30"}, {"on": "２０２４-01-01"}):
        with pytest.raises(params.InvalidParameter):
            params.query_date(bad, "on")
    with pytest.raises(params.InvalidParameter, match="参数 unit 的值无效"):
        params.query_ids({"unit": "1,²"}, "unit")
    assert params.parse_moment("2024-10-08T00:00:00Z").year == 2024
    with pytest.raises(ValueError):
        params.parse_moment("9999-12-31T00:00:00Z")


@pytest.mark.parametrize("url", [
    "/appeals/track/%00/", "/?q=%00", "/appeals/?q=a%00b", "/staff/login/?next=%00",
])
def test_nul_anywhere_in_the_path_or_query_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode() and "空字符（NUL）" in response.content.decode()


def test_nul_in_a_form_field_is_a_bad_request_and_saves_nothing(client):
    from minsheng.appeals.models import Appeal

    before = Appeal.objects.count()
    response = client.post("/appeals/new/", {"title": "路灯\x00不亮", "content": "x"})
    assert response.status_code == 400
    assert Appeal.objects.count() == before


def test_a_number_beyond_a_bigint_in_a_form_is_a_bad_request_and_saves_nothing(client, users, hangzhou_plan):
    # A multi-select of projects looked the id up before validation: SQLite cannot bind 2**63.
    from minsheng.supervision.models import Inspection

    login(client, users["coordinator"])
    before = Inspection.objects.count()
    response = client.post(f"/staff/supervision/plans/{hangzhou_plan.pk}/",
                           {"projects": "9999999999999999999", "team": "督查组"})
    assert response.status_code == 400 and "超出可处理的范围" in response.content.decode()
    assert Inspection.objects.count() == before
    # 2**63 - 1 itself is only a record that does not exist: the form says so, no 400.
    assert client.post(f"/staff/supervision/plans/{hangzhou_plan.pk}/",
                       {"projects": str(2**63 - 1), "team": "督查组"}).status_code in (200, 302)


def test_ids_beyond_a_bigint_and_absurd_years_are_not_found(client, users):
    login(client, users["coordinator"])
    assert client.get("/staff/plans/99999999999999999999/").status_code == 404
    assert client.get("/staff/calendar/99999999/").status_code == 404
    assert client.get("/staff/calendar/2024/").status_code == 200


def test_open311_far_dates_and_odd_jurisdictions_are_client_errors(client):
    response = client.get("/open311/v2/requests.json", {"start_date": "9999-12-31T00:00:00Z"})
    assert response.status_code == 400 and "start_date" in response.json()[0]["description"]
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "²"}).status_code == 404
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "9" * 30}).status_code == 404


# --- report figures the database can hold -----------------------------------------------------------------


@pytest.fixture
def draft(users, hangzhou_plan):
    from minsheng.plans.models import ProjectUnit
    from minsheng.progress import services

    unit = users["liaison"].unit
    project = next(p for p in hangzhou_plan.projects.filter(unit_links__unit=unit,
                                                             unit_links__role=ProjectUnit.Role.LEAD)
                   .order_by("position") if p.targets.count() == 1)
    period = services.ensure_periods(hangzhou_plan, datetime.date(2024, 12, 31))[5]
    return services.open_report(project, unit, period)


def _figure_form(report, value) -> dict:
    target = report.project.targets.get()
    return {"version": report.version, f"target_{target.pk}": value, f"over_{target.pk}": "on",
            "progress_text": "按计划推进", "problems": "", "next_steps": ""}


def test_a_sixteen_digit_figure_is_a_form_error_and_the_report_stays_readable(client, users, draft):
    login(client, users["liaison"])
    url = f"/staff/progress/reports/{draft.pk}/"
    response = client.post(url, _figure_form(draft, "9999999999999999"))
    assert response.status_code == 200
    assert "确保该值小于或等于999999999999999" in response.content.decode()
    assert not draft.target_figures.exists()

    largest = Decimal("999999999999999")  # 15 digits: read back exactly on SQLite and PostgreSQL
    assert client.post(url, _figure_form(draft, str(largest))).status_code == 302
    assert draft.target_figures.get().value == largest
    for user in ("liaison", "coordinator"):
        assert login(client, users[user]).get(url).status_code == 200


# --- Content-Security-Policy ---------------------------------------------------------------------------------


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_pages_send_a_strict_policy_and_carry_no_inline_script(client, users, hangzhou_plan):
    project = hangzhou_plan.projects.order_by("position").first()
    pages = ["/", f"/plans/{hangzhou_plan.pk}/", f"/plans/{hangzhou_plan.pk}/map/", f"/projects/{project.pk}/",
             "/appeals/", "/appeals/new/", "/staff/login/"]
    staff = [f"/staff/plans/{hangzhou_plan.pk}/", f"/staff/cockpit/plans/{hangzhou_plan.pk}/",
             f"/staff/progress/plans/{hangzhou_plan.pk}/", "/staff/appeals/figures/", "/staff/calendar/"]
    for url in pages + ["login"] + staff:
        if url == "login":
            login(client, users["coordinator"])
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self';" in policy + ";"
        assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not HANDLER_ATTR.search(html), (url, HANDLER_ATTR.search(html).group(0))
