"""Staff pages: contact shown to the handling unit and coordinator only, exports, figures, candidates."""

import io

import pytest
from openpyxl import load_workbook

from minsheng.appeals import services
from minsheng.appeals.models import Appeal, AppealEvent, ExportLog
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(make_appeal, users, civil_affairs) -> Appeal:
    return services.accept(make_appeal(), users["coordinator"], civil_affairs)


@pytest.mark.parametrize("username,whole", [("coordinator", True), ("liaison", True), ("leader", False),
                                            ("deputy", False)])
def test_contact_is_whole_only_for_the_unit_and_the_coordinator(client, users, assigned, username, whole):
    html = login(client, users[username]).get(f"/staff/appeals/{assigned.code}/").content.decode()
    assert ("13900001111" in html) is whole and ("330106199001011234" in html) is whole
    if not whole:
        assert "139****1111" in html and "张*" in html and "已隐去" in html


def test_other_units_and_other_cities_do_not_see_it(client, users, assigned):
    assert login(client, users["wuxi"]).get(f"/staff/appeals/{assigned.code}/").status_code == 404


def test_list_filters_and_colours(client, users):
    html = login(client, users["coordinator"]).get("/staff/appeals/", {"colour": "red"}).content.decode()
    assert 'data-clock="red"' in html and 'data-clock="green"' not in html
    html = client.get("/staff/appeals/", {"state": "closed"}).content.decode()
    # "办结" alone is always there (the state filter lists it); the rows must be closed ones.
    assert '<span class="state closed">' in html and 'data-clock' not in html
    assert '<span class="state submitted">' not in html


def test_export_leaves_personal_data_out_unless_a_coordinator_asks(client, users, assigned):
    login(client, users["liaison"])
    sheet = load_workbook(io.BytesIO(client.get("/staff/appeals/export.xlsx").content)).active
    header = [c.value for c in sheet[1]]
    assert "电话" not in header and "身份证号" not in header
    assert all("13900001111" not in str(c.value) for row in sheet.iter_rows() for c in row)
    assert client.get("/staff/appeals/export.xlsx", {"personal": "1"}).status_code == 403

    login(client, users["coordinator"])
    response = client.get("/staff/appeals/export.xlsx", {"personal": "1", "q": assigned.code})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][-3:] == ["姓名", "电话", "身份证号"]
    assert sheet.cell(row=2, column=sheet.max_column - 1).value == "13900001111"
    log = ExportLog.objects.filter(user=users["coordinator"], personal=True).latest("at")
    assert log.count == 1
    event = AppealEvent.objects.get(appeal=assigned, kind="exported")
    assert not event.public and event.actor == users["coordinator"]


def test_figures_page_writes_its_formulas_and_rates(client, users):
    html = login(client, users["coordinator"]).get("/staff/appeals/figures/").content.decode()
    for words in ("响应率 = 按时受理件数 ÷ 应受理件数", "解决率 =", "满意率 ="):
        assert words in html
    assert "月度趋势" in html and "高频话题" in html and "市民政局" in html
    by_region = client.get("/staff/appeals/figures/", {"by": "region", "start": "2000-01-01"}).content.decode()
    assert "西湖区" in by_region
    assert login(client, users["liaison"]).get("/staff/appeals/figures/").status_code == 403


def test_rates_count_what_the_formulas_say(users, make_appeal, civil_affairs):
    import datetime

    from django.utils import timezone

    from minsheng.appeals.selectors import Period, rates

    coordinator, liaison = users["coordinator"], users["liaison"]
    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=400), today)
    _rows, before = rates(coordinator, period, "unit")
    for rating, resolved in (("satisfied", True), ("basic", False), ("unsatisfied", False)):
        a = services.answer(services.accept(make_appeal(), coordinator, civil_affairs), liaison, "答复")
        services.rate(a, rating, resolved)
    _rows, after = rates(coordinator, period, "unit")
    assert after.received - before.received == 3 and after.on_time - before.on_time == 3
    assert after.rated - before.rated == 3 and after.resolved - before.resolved == 1
    assert after.satisfied - before.satisfied == 2


def test_recurring_problem_becomes_a_candidate_project(client, users):
    login(client, users["coordinator"])
    html = client.get("/staff/appeals/figures/", {"start": "2000-01-01"}).content.decode()
    assert "转为" in html  # the demo's 加装电梯 and 停车 clusters
    from django.utils import timezone

    from minsheng.appeals.selectors import Period, recurring_problems

    found = recurring_problems(users["coordinator"], Period(timezone.localdate().replace(year=2000),
                                                            timezone.localdate()))
    item = next(r for r in found if r.region is not None)
    response = client.post("/staff/appeals/candidates/", {"keyword": item.keyword, "region": item.region.pk,
                                                          "appeal": item.appeal_ids})
    assert response.status_code == 302
    project_url = response["Location"]
    assert "/staff/projects/" in project_url
    appeal = Appeal.objects.get(pk=item.appeal_ids[0])
    page = client.get(f"/staff/appeals/{appeal.code}/").content.decode()
    assert project_url in page  # linked back from the appeal
    assert login(client, users["liaison"]).post("/staff/appeals/candidates/", {}).status_code == 403


def test_photos_are_served_only_to_staff_who_see_the_appeal(client, users, assigned):
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.appeals.photos import check_photo
    from tests.appeals.test_intake import png

    photo = check_photo(SimpleUploadedFile("a.png", png(), content_type="image/png"))
    intake = services.Intake(category=assigned.category, region=assigned.region, content="有照片的诉求",
                             address="x", phone="13100001111", submission_key=uuid.uuid4(), photos=[photo])
    appeal = services.submit(intake, channel="web")
    pk = appeal.photos.get().pk
    assert client.get(f"/staff/appeals/photos/{pk}/").status_code == 302  # to the login
    assert login(client, users["coordinator"]).get(f"/staff/appeals/photos/{pk}/")["Content-Type"] == "image/png"
    assert login(client, users["wuxi"]).get(f"/staff/appeals/photos/{pk}/").status_code == 404


def test_the_english_interface(client, users):
    client.cookies["django_language"] = "en"
    html = client.get("/appeals/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Write an appeal" in html and "Mobile number" in html and "诉求类别" not in html
    html = login(client, users["coordinator"]).get("/staff/appeals/figures/", HTTP_ACCEPT_LANGUAGE="en").content
    assert "Response rate = appeals accepted on time" in html.decode()
