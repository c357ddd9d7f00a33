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


@pytest.mark.parametrize("username,whole", [("coordinator", True), ("liaison", True), ("leader", False),
                                            ("deputy", False)])
def test_numbers_in_the_free_text_are_masked_for_leaders_and_deputies(client, users, make_appeal, civil_affairs,
                                                                      username, whole):
    """The original leak: leaders saw the contact fields masked but the same numbers whole in the text."""
    text = "楼道漏雨，电话 +86 136 1111 2222，座机 (0571)8765 4321，身份证 330106198503121231"
    appeal = services.accept(make_appeal(text, address="文三路 1 号，电话 13611112222"), users["coordinator"],
                             civil_affairs, note="已电话联系 13611112222")
    appeal = services.answer(appeal, users["liaison"], "已联系您 136-1111-2222，明天上门")
    html = login(client, users[username]).get(f"/staff/appeals/{appeal.code}/").content.decode()
    for number in ("1111 2222", "8765 4321", "330106198503121231", "13611112222", "136-1111-2222"):
        assert (number in html) is whole, number
    if not whole:
        assert "+86 136 **** 2222" in html and "(0571)**** 4321" in html and "3301**********1231" in html
        assert "136-****-2222" in html  # the answer and its event
    listing = client.get("/staff/appeals/", {"q": appeal.code}).content.decode()
    assert appeal.code in listing


def test_list_titles_are_masked_for_leaders(client, users, make_appeal):
    appeal = make_appeal("内容", title="请回电13611112222")
    whole = login(client, users["coordinator"]).get("/staff/appeals/", {"q": appeal.code}).content.decode()
    assert "13611112222" in whole
    html = login(client, users["leader"]).get("/staff/appeals/", {"q": appeal.code}).content.decode()
    assert "13611112222" not in html and "请回电136****2222" in html


def test_other_units_and_other_cities_do_not_see_it(client, users, assigned):
    assert login(client, users["wuxi"]).get(f"/staff/appeals/{assigned.code}/").status_code == 404


def test_list_filters_and_colours(client, users):
    html = login(client, users["coordinator"]).get("/staff/appeals/", {"colour": "red"}).content.decode()
    assert 'data-clock="red"' in html and 'data-clock="green"' not in html
    html = client.get("/staff/appeals/", {"state": "closed"}).content.decode()
    # "办结" alone is always there (the state filter lists it); the rows must be closed ones.
    assert '<span class="state closed">' in html and 'data-clock' not in html
    assert '<span class="state submitted">' not in html


def test_export_leaves_personal_data_out_unless_a_coordinator_asks(client, users, make_appeal, civil_affairs):
    assigned = services.accept(make_appeal("电话１３９００００１１１１，身份证 330106198503121231",
                                           address="文三路 1 号 0571-87654321"), users["coordinator"], civil_affairs)
    login(client, users["liaison"])
    sheet = load_workbook(io.BytesIO(client.get("/staff/appeals/export.xlsx").content)).active
    header = [c.value for c in sheet[1]]
    assert "电话" not in header and "身份证号" not in header
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert all("13900001111" not in c and "１３９００００１１１１" not in c for c in cells)
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == assigned.code)
    assert row[5] == "电话１３９****１１１１，身份证 3301**********1231"
    assert row[6] == "文三路 1 号 0571-****4321"
    assert client.get("/staff/appeals/export.xlsx", {"personal": "1"}).status_code == 403

    login(client, users["coordinator"])
    response = client.get("/staff/appeals/export.xlsx", {"personal": "1", "q": assigned.code})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][-3:] == ["姓名", "电话", "身份证号"]
    assert sheet.cell(row=2, column=sheet.max_column - 1).value == "13900001111"
    assert sheet.cell(row=2, column=6).value == "电话１３９００００１１１１，身份证 330106198503121231"
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


def test_candidates_only_in_the_coordinators_own_regions(client, users, make_appeal):
    """The original attack: the candidates page took any region, so 杭州's coordinator could draft 无锡's plan."""
    from minsheng.core.models import Region
    from minsheng.plans.models import Plan

    wuxi = Region.objects.get(name="无锡市")
    ids = [make_appeal().pk for _ in range(2)]
    login(client, users["coordinator"])
    response = client.post("/staff/appeals/candidates/", {"keyword": "食堂", "region": wuxi.pk, "appeal": ids})
    assert response.status_code == 403
    assert not Plan.objects.filter(region=wuxi, status=Plan.Status.DRAFT).exists()
    # 无锡's coordinator cannot use 杭州's appeals for its own region either: they are not visible to it.
    login(client, users["wuxi"])
    response = client.post("/staff/appeals/candidates/", {"keyword": "食堂", "region": wuxi.pk, "appeal": ids},
                           follow=True)
    assert "没有可关联的诉求" in response.content.decode()


# --- staff writes stay in the coordinator's regions --------------------------------------------------


def staff_form(region_id: int) -> dict:
    import uuid

    from minsheng.appeals.models import AppealCategory

    return {"submission_key": str(uuid.uuid4()), "category": AppealCategory.objects.get(code="help").pk,
            "region": region_id, "content": "来电反映老年食堂问题", "address": "某路 1 号", "phone": "13700001111"}


def test_phone_entry_only_in_the_coordinators_regions(client, users, west_lake):
    from minsheng.core.models import Region

    wuxi = Region.objects.get(name="无锡市")
    login(client, users["coordinator"])
    before = Appeal.objects.count()
    refused = client.post("/staff/appeals/new/", staff_form(wuxi.pk))
    assert refused.status_code == 400 and Appeal.objects.count() == before
    made = client.post("/staff/appeals/new/", staff_form(west_lake.pk), follow=True)
    appeal = Appeal.objects.latest("id")
    assert appeal.region == west_lake and appeal.channel == "phone"
    html = made.content.decode()
    assert "评价密码" in html and appeal.code in html
    # 无锡's coordinator gets no 杭州 district to choose.
    page = login(client, users["wuxi"]).get("/staff/appeals/new/").content.decode()
    assert "西湖区" not in page
    assert client.post("/staff/appeals/new/", staff_form(west_lake.pk)).status_code == 400


def test_accept_and_reassign_only_to_units_of_the_appeals_region(client, users, make_appeal, civil_affairs, wuxi_unit):
    from minsheng.core.models import Unit

    appeal = make_appeal()
    login(client, users["coordinator"])
    page = client.get(f"/staff/appeals/{appeal.code}/").content.decode()
    assert "市民政局" in page and "无锡市民政局" not in page and "淳安县人民政府" not in page
    response = client.post(f"/staff/appeals/{appeal.code}/accept/", {"unit": wuxi_unit.pk, "category":
                                                                       appeal.category_id}, follow=True)
    assert "承办单位" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.state_id == "submitted" and appeal.unit is None
    client.post(f"/staff/appeals/{appeal.code}/accept/", {"unit": civil_affairs.pk, "category": appeal.category_id})
    appeal.refresh_from_db()
    assert appeal.unit == civil_affairs
    chunan = Unit.objects.get(name="淳安县人民政府")
    client.post(f"/staff/appeals/{appeal.code}/reassign/", {"unit": chunan.pk, "reason": "试试"})
    appeal.refresh_from_db()
    assert appeal.unit == civil_affairs


def test_the_service_refuses_a_foreign_unit_whatever_the_path(users, make_appeal, wuxi_unit):
    with pytest.raises(services.WorkflowError, match="不能交办"):
        services.accept(make_appeal(), users["coordinator"], wuxi_unit)


# --- publication on the public board --------------------------------------------------------------------


def test_publication_needs_a_coordinators_approval_and_can_be_withdrawn(client, users, make_appeal, civil_affairs):
    """The original leak: a consenting appeal and its answer went on the board at once, unmoderated."""
    appeal = services.accept(make_appeal("楼道漏雨XYZ，我是3号楼的李四，电话13611112222", publish=True),
                             users["coordinator"], civil_affairs)
    assert "楼道漏雨XYZ" not in client.get("/appeals/").content.decode()

    login(client, users["coordinator"])
    page = client.get(f"/staff/appeals/{appeal.code}/").content.decode()
    # The form is prefilled with the masked text.
    assert "我是3号楼的李四，电话136****2222" in page and 'id="publish-form"' in page
    client.post(f"/staff/appeals/{appeal.code}/publication/",
                {"title": "楼道漏雨", "content": "楼道漏雨XYZ，请物业维修。电话13611112222", "answer": ""})
    board = client.get("/appeals/").content.decode()
    assert "楼道漏雨XYZ，请物业维修。电话136****2222" in board
    assert "李四" not in board and "13611112222" not in board
    event = AppealEvent.objects.get(appeal=appeal, kind="published")
    assert event.actor == users["coordinator"] and not event.public

    client.post(f"/staff/appeals/{appeal.code}/publication/withdraw/", {"reason": "涉及他人"})
    assert "楼道漏雨XYZ" not in client.get("/appeals/").content.decode()
    assert "涉及他人" in client.get(f"/staff/appeals/{appeal.code}/").content.decode()


@pytest.mark.parametrize("username,status", [("liaison", 403), ("leader", 403), ("deputy", 403), ("wuxi", 404)])
def test_only_the_regions_coordinator_approves(client, users, make_appeal, civil_affairs, username, status):
    appeal = services.accept(make_appeal(publish=True), users["coordinator"], civil_affairs)
    response = login(client, users[username]).post(f"/staff/appeals/{appeal.code}/publication/",
                                                   {"title": "t", "content": "c"})
    assert response.status_code == status
    assert not Appeal.objects.filter(pk=appeal.pk, publication__isnull=False).exists()


def test_no_publication_without_the_citizens_consent(users, make_appeal, civil_affairs):
    appeal = services.accept(make_appeal(publish=False), users["coordinator"], civil_affairs)
    with pytest.raises(services.WorkflowError, match="未同意公开"):
        services.approve_publication(appeal, users["coordinator"], "t", "c")


def test_a_later_answer_is_flagged_and_prefilled(client, users, make_appeal, civil_affairs):
    appeal = services.accept(make_appeal(publish=True), users["coordinator"], civil_affairs)
    services.approve_publication(appeal, users["coordinator"], "老年食堂", "希望开设老年食堂（已编辑）")
    services.answer(appeal, users["liaison"], "下月开业，咨询 0571-87654321")
    page = login(client, users["coordinator"]).get(f"/staff/appeals/{appeal.code}/").content.decode()
    assert "公开后承办单位又作了答复" in page
    assert "希望开设老年食堂（已编辑）" in page and "下月开业，咨询 0571-****4321" in page
    board = client.get("/appeals/").content.decode()
    assert "下月开业" not in board  # not until approved again
    appeal.refresh_from_db()
    draft = services.publication_draft(appeal)
    assert draft == {"title": "老年食堂", "content": "希望开设老年食堂（已编辑）",
                     "answer": "下月开业，咨询 0571-****4321"}
    services.approve_publication(appeal, users["coordinator"], draft["title"], draft["content"], draft["answer"])
    assert "下月开业，咨询 0571-****4321" in client.get("/appeals/").content.decode()


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
