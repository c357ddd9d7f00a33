"""The public message board: a citizen submits without an account; bad input gets a clear answer and loses nothing."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.appeals import services
from minsheng.appeals.models import Appeal, AppealCategory, AppealPhoto, secret_hash
from tests.helpers import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_data(west_lake):
    return {
        "submission_key": str(uuid.uuid4()),
        "category": AppealCategory.objects.get(code="complaint").pk,
        "region": west_lake.pk,
        "title": "夜间施工噪音",
        "content": "工地夜里十一点后还在施工，噪音很大，影响休息。",
        "address": "西湖区文三路 100 号",
        "name": "王五",
        "phone": "13912345678",
        "publish": "on",
    }


def test_the_form_is_public(client):
    page = client.get("/appeals/new/")
    assert page.status_code == 200
    assert 'name="submission_key"' in page.content.decode()


def test_a_citizen_submits_and_follows_with_the_tracking_code(client, form_data):
    form_data["photos"] = [SimpleUploadedFile("现场.png", png(), content_type="image/png")]
    response = client.post("/appeals/new/", form_data)
    assert response.status_code == 302
    appeal = Appeal.objects.get(submission_key=form_data["submission_key"])
    assert response["Location"] == f"/appeals/track/{appeal.code}/"
    assert appeal.channel == "web" and appeal.publish and appeal.submitted_ip == "127.0.0.1"
    assert appeal.suggested_unit.name == "市综合行政执法局"
    photo = AppealPhoto.objects.get(appeal=appeal)
    assert (photo.content_type, photo.width, photo.height) == ("image/png", 40, 30)
    assert not photo.file.name.endswith("现场.png")  # stored under a random name

    page = client.get(response["Location"]).content.decode()
    assert appeal.code in page and "待受理" in page
    assert "王五" not in page and "13912345678" not in page
    # The rating secret is on the confirmation page once; the database keeps only its hash.
    secret = re.search(r'id="secret">([A-Z2-9]{4}-[A-Z2-9]{4})<', page).group(1)
    assert appeal.secret_hash == secret_hash(appeal.code, secret)
    assert 'id="secret"' not in client.get(response["Location"]).content.decode()


def test_the_same_form_posted_twice_registers_one_appeal(client, form_data):
    first = client.post("/appeals/new/", form_data)
    second = client.post("/appeals/new/", form_data, follow=True)
    assert Appeal.objects.filter(submission_key=form_data["submission_key"]).count() == 1
    code = Appeal.objects.get(submission_key=form_data["submission_key"]).code
    assert first["Location"] == f"/appeals/track/{code}/"
    assert "已经提交过" in second.content.decode() and code in second.content.decode()


def test_a_too_large_photo_is_refused_and_the_text_is_kept(client, form_data):
    big = png() + b"\0" * (5 * 1024 * 1024)
    form_data["photos"] = [SimpleUploadedFile("big.png", big, content_type="image/png")]
    response = client.post("/appeals/new/", form_data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "超过 5 MB" in html
    assert form_data["content"] in html and 'value="13912345678"' in html and form_data["submission_key"] in html
    assert not Appeal.objects.filter(submission_key=form_data["submission_key"]).exists()


@pytest.mark.parametrize("name,content", [
    ("photo.jpg", b"MZ\x90\x00 this is a windows program"),
    ("photo.png", b"%PDF-1.7 not a picture"),
    ("photo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
])
def test_wrong_type_photo_is_refused_whatever_its_name(client, form_data, name, content):
    form_data["photos"] = [SimpleUploadedFile(name, content, content_type="image/jpeg")]
    response = client.post("/appeals/new/", form_data)
    assert response.status_code == 400
    assert "JPEG、PNG、WebP" in response.content.decode()
    assert form_data["content"] in response.content.decode()
    assert not Appeal.objects.filter(submission_key=form_data["submission_key"]).exists()


def test_too_many_photos(client, form_data):
    form_data["photos"] = [SimpleUploadedFile(f"{i}.png", png(), content_type="image/png") for i in range(5)]
    response = client.post("/appeals/new/", form_data)
    assert response.status_code == 400 and "最多上传 4 张照片" in response.content.decode()


def test_missing_location_and_bad_phone_are_explained(client, form_data):
    form_data.update(address="", phone="12345")
    html = client.post("/appeals/new/", form_data).content.decode()
    assert "请填写地址或经纬度" in html and "请填写正确的手机或固定电话号码" in html


def test_a_point_instead_of_an_address(client, form_data):
    form_data.update(address="", latitude="30.274085", longitude="120.155070")
    assert client.post("/appeals/new/", form_data).status_code == 302
    appeal = Appeal.objects.get(submission_key=form_data["submission_key"])
    assert str(appeal.latitude) == "30.274085" and appeal.address == ""


def test_rate_limit_per_phone(client, form_data, settings):
    settings.APPEALS_RATE_LIMITS = {"phone_per_day": 2, "ip_per_hour": 100}
    for _ in range(2):
        form_data["submission_key"] = str(uuid.uuid4())
        assert client.post("/appeals/new/", form_data).status_code == 302
    form_data["submission_key"] = str(uuid.uuid4())
    response = client.post("/appeals/new/", form_data)
    assert response.status_code == 429
    html = response.content.decode()
    assert "同一手机号一天内最多提交 2 件" in html and form_data["content"] in html
    # Another phone from the same address still gets through.
    form_data.update(submission_key=str(uuid.uuid4()), phone="13800001234")
    assert client.post("/appeals/new/", form_data).status_code == 302


def test_rate_limit_per_address(client, form_data, settings):
    settings.APPEALS_RATE_LIMITS = {"phone_per_day": 100, "ip_per_hour": 3}
    for i in range(3):
        form_data.update(submission_key=str(uuid.uuid4()), phone=f"1380000{i:04d}")
        assert client.post("/appeals/new/", form_data, REMOTE_ADDR="10.1.2.3").status_code == 302
    form_data.update(submission_key=str(uuid.uuid4()), phone="13800009999")
    response = client.post("/appeals/new/", form_data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 429 and "同一网络地址一小时内最多提交 3 件" in response.content.decode()
    assert client.post("/appeals/new/", form_data, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_rate_limit_reads_the_address_behind_the_trusted_proxy(client, form_data, settings):
    """Behind one proxy every request comes from it: the limit is per client (core.net), not per proxy,
    and a client cannot dodge it by writing its own X-Forwarded-For entry."""
    settings.APPEALS_RATE_LIMITS = {"phone_per_day": 100, "ip_per_hour": 2}
    settings.MINSHENG_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(2):
        form_data.update(submission_key=str(uuid.uuid4()), phone=f"1380000{i:04d}")
        response = client.post("/appeals/new/", form_data, HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.5", **proxy)
        assert response.status_code == 302
    form_data.update(submission_key=str(uuid.uuid4()), phone="13800009999")
    assert client.post("/appeals/new/", form_data, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
                       **proxy).status_code == 429
    assert client.post("/appeals/new/", form_data, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 302
    assert Appeal.objects.get(submission_key=form_data["submission_key"]).submitted_ip == "203.0.113.6"


def test_a_refused_form_costs_no_quota(client, form_data, settings):
    settings.APPEALS_RATE_LIMITS = {"phone_per_day": 1, "ip_per_hour": 100}
    assert client.post("/appeals/new/", {**form_data, "address": ""}).status_code == 400
    assert client.post("/appeals/new/", form_data).status_code == 302


def test_tracking_by_code_and_rating_without_an_account(client, make_appeal, users, civil_affairs):
    made = make_appeal()
    appeal = services.accept(made, users["coordinator"], civil_affairs)
    services.answer(appeal, users["liaison"], "老年食堂下月开业。")
    response = client.get("/appeals/track/", {"code": appeal.code.lower()})
    assert response["Location"] == f"/appeals/track/{appeal.code}/"
    assert "没有找到" in client.get("/appeals/track/", {"code": "MSNOTHING"}).content.decode()
    page = client.get(f"/appeals/track/{appeal.code}/").content.decode()
    assert "老年食堂下月开业" in page and "请对答复评价" in page
    assert client.post(f"/appeals/track/{appeal.code}/", {"rating": "great"}).status_code == 400
    client.post(f"/appeals/track/{appeal.code}/", {"rating": "satisfied", "resolved": "1", "proof": made.secret})
    appeal.refresh_from_db()
    assert appeal.state_id == "closed" and appeal.rating == "satisfied"
    # A second rating of a closed appeal is refused.
    page = client.post(f"/appeals/track/{appeal.code}/", {"rating": "unsatisfied", "resolved": "0",
                                                          "proof": made.secret}, follow=True)
    html = page.content.decode()
    assert "不能评价" in html and "请对答复评价" not in html
    appeal.refresh_from_db()
    assert appeal.rating == "satisfied"


def test_the_tracking_code_alone_does_not_rate(client, make_appeal, users, civil_affairs):
    """The original attack: the Open311 list publishes every code, and the code alone closed or
    reopened the appeal. Now the page asks for the secret or the phone."""
    appeal = services.answer(services.accept(make_appeal(phone="13900001111"), users["coordinator"], civil_affairs),
                             users["liaison"], "已处理")
    url = f"/appeals/track/{appeal.code}/"
    assert client.post(url, {"rating": "unsatisfied", "resolved": "0"}).status_code == 400
    refused = client.post(url, {"rating": "unsatisfied", "resolved": "0", "proof": "13900001112"})
    assert refused.status_code == 403 and "评价密码或联系电话不正确" in refused.content.decode()
    appeal.refresh_from_db()
    assert appeal.state_id == "answered" and appeal.rating == ""
    # The phone the citizen gave, however they type it, is accepted.
    client.post(url, {"rating": "satisfied", "resolved": "1", "proof": "139 0000 1111"})
    appeal.refresh_from_db()
    assert appeal.state_id == "closed"


def test_failed_proofs_are_limited_per_address(client, make_appeal, users, civil_affairs, settings):
    settings.APPEALS_RATE_LIMITS = {"proof_failures_per_hour": 3}
    made = make_appeal()
    services.answer(services.accept(made, users["coordinator"], civil_affairs), users["liaison"], "已处理")
    url = f"/appeals/track/{made.code}/"
    body = {"rating": "unsatisfied", "resolved": "0"}
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert client.post(url, {**body, "proof": guess}).status_code == 403
    limited = client.post(url, {**body, "proof": made.secret})
    assert limited.status_code == 429 and "验证失败次数过多" in limited.content.decode()
    assert Appeal.objects.get(pk=made.pk).state_id == "answered"


def test_numbers_in_the_answer_and_the_notes_are_masked_on_the_tracking_page(client, make_appeal, users,
                                                                              civil_affairs):
    """The original leak: event notes and the unit's answer went out whole on the public page and its API."""
    appeal = services.accept(make_appeal("请联系 86-136-1111-2222", title="漏雨"), users["coordinator"], civil_affairs,
                             note="已联系 ０５７１－８７６５４３２１")
    services.answer(appeal, users["liaison"], "已与您（+86 136 1111 2222，身份证 33010619850312108X）电话沟通")
    html = client.get(f"/appeals/track/{appeal.code}/").content.decode()
    for whole in ("1111-2222", "1111 2222", "８７６５４３２１", "33010619850312108X"):
        assert whole not in html, whole
    assert "86-136-****-2222" in html and "+86 136 **** 2222" in html and "０５７１－****４３２１" in html
    assert "3301**********108X" in html
    api = client.get(f"/api/v1/appeals/track/{appeal.code}/").json()
    assert api["answer"] == "已与您（+86 136 **** 2222，身份证 3301**********108X）电话沟通"
    assert api["content"] == "请联系 86-136-****-2222"


def test_internal_events_stay_off_the_tracking_page(client, make_appeal, users, civil_affairs, hangzhou):
    from minsheng.appeals import services
    from minsheng.core.models import Unit

    appeal = services.accept(make_appeal(), users["coordinator"], civil_affairs)
    services.reassign(appeal, users["coordinator"], Unit.objects.get(region=hangzhou, name="市教育局"), "内部原因X")
    page = client.get(f"/appeals/track/{appeal.code}/").content.decode()
    assert "内部原因X" not in page and "受理交办" in page


def test_the_public_board_shows_only_consenting_appeals_without_personal_data(client, make_appeal, users,
                                                                             civil_affairs):
    coordinator = users["coordinator"]
    shown = services.accept(make_appeal("我叫赵六，电话13611112222，楼道漏雨", publish=True, phone="13611112222"),
                            coordinator, civil_affairs)
    draft = services.publication_draft(shown)
    services.approve_publication(shown, coordinator, draft["title"], draft["content"], draft["answer"])
    hidden = services.accept(make_appeal("不愿公开的内容XYZ", publish=False), users["coordinator"], civil_affairs)
    html = client.get("/appeals/").content.decode()
    assert "我叫赵六，电话136****2222，楼道漏雨" in html and "136****2222" in html
    assert "13611112222" not in html and "张三" not in html and "330106199001011234" not in html
    assert "不愿公开的内容XYZ" not in html and hidden.code not in html
    assert not re.search(r"1[3-9]\d{9}", html)
