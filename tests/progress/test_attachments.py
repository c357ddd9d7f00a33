"""Report attachments: stored only with a saved report, served only to those who may read it."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.core.models import Region, Unit, User
from minsheng.plans.models import ProjectUnit
from minsheng.progress import services
from minsheng.progress.models import Attachment, Report
from tests.helpers import login, png
from tests.test_uploads import bomb_png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def project(hangzhou_plan, users):
    unit = users["liaison"].unit
    return next(p for p in hangzhou_plan.projects.filter(unit_links__unit=unit, unit_links__role=ProjectUnit.Role.LEAD)
                .order_by("position") if p.targets.count() == 1)


@pytest.fixture
def report(hangzhou_plan, project, users):
    period = next(p for p in services.ensure_periods(hangzhou_plan, datetime.date(2024, 12, 31)) if p.month == 8)
    return services.open_report(project, users["liaison"].unit, period)


def _post(client, report, value, version=None, **extra):
    target = report.project.targets.get()
    data = {"version": report.version if version is None else version, f"target_{target.pk}": str(value),
            "progress_text": "按计划推进", "problems": "", "next_steps": "", **extra}
    return client.post(f"/staff/progress/reports/{report.pk}/", data)


def _photo(name="现场.png"):
    return SimpleUploadedFile(name, png(), content_type="image/png")


def test_a_stale_save_stores_nothing_and_the_retry_stores_the_photo_once(client, users, report, media):
    login(client, users["liaison"])
    stale = report.version
    assert _post(client, report, 10).status_code == 302  # someone else saved first
    refused = _post(client, report, 11, version=stale, photos=_photo())
    assert refused.status_code == 409
    assert not Attachment.objects.filter(report=report).exists() and stored(media) == []

    report.refresh_from_db()
    assert _post(client, report, 11, photos=_photo()).status_code == 302
    attachment = Attachment.objects.get(report=report)
    assert stored(media) == [media / attachment.file.name]
    assert attachment.name == "现场.png" and "现场" not in attachment.file.name  # a random name on disk


def test_a_figure_error_stores_nothing(client, users, report, media):
    target = report.project.targets.get()
    login(client, users["liaison"])
    over = target.value + 10  # above the target without the confirmation box
    response = _post(client, report, over, photos=_photo(), files=SimpleUploadedFile("a.pdf", _pdf()))
    assert response.status_code == 200 and "超过目标" in response.content.decode()
    assert not Attachment.objects.exists() and stored(media) == []
    report.refresh_from_db()
    assert _post(client, report, over, photos=_photo(), **{f"over_{target.pk}": "on"}).status_code == 302
    assert Attachment.objects.filter(report=report).count() == 1 and len(stored(media)) == 1


def _pdf() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PDF")
    return out.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("现场.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "不是可识别的照片"),
    ("bomb.png", bomb_png(), "像素过多"),
])
def test_a_photo_that_does_not_decode_is_refused_and_nothing_saved(client, users, report, media, name, data,
                                                                   message):
    response = login(client, users["liaison"]).post(
        f"/staff/progress/reports/{report.pk}/",
        {"version": report.version, "progress_text": "新进展", "photos": SimpleUploadedFile(name, data)})
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.progress_text == "" and report.version == 0  # the whole save was refused, nothing lost on screen
    assert "新进展" in response.content.decode()
    assert not Attachment.objects.exists() and stored(media) == []


def test_a_document_that_does_not_open_is_refused(client, users, report, media):
    response = _post(login(client, users["liaison"]), report, 5,
                     files=SimpleUploadedFile("台账.docx", b"PK\x03\x04" + b"\x00" * 100))
    assert "不是 PDF、Word(.docx) 或 Excel(.xlsx) 文件" in response.content.decode()
    assert not Attachment.objects.exists() and stored(media) == []


@pytest.fixture
def attachment(report, users):
    services.save_report(report, users["liaison"], report.version, {}, {}, {},
                         uploads=[_checked(_photo())])
    return Attachment.objects.get(report=report)


def _checked(upload):
    from minsheng.core.uploads import check_photo

    return check_photo(upload)


def test_the_attachment_is_served_to_those_who_read_the_report_only(client, users, report, attachment):
    url = f"/staff/progress/attachments/{attachment.pk}/"
    page = login(client, users["liaison"]).get(f"/staff/progress/reports/{report.pk}/").content.decode()
    assert url in page and "/media/" not in page
    own = client.get(url)
    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content) == png()
    for name in ("reviewer", "coordinator", "leader"):  # the lead unit, the city's coordinator and leader
        assert login(client, users[name]).get(url).status_code == 200

    other_unit = Unit.objects.filter(region=users["liaison"].unit.region).exclude(pk=users["liaison"].unit_id).first()
    stranger = User.objects.create(username="stranger", role=User.Role.LIAISON, unit=other_unit)
    assert login(client, stranger).get(url).status_code == 404
    assert login(client, users["wuxi"]).get(url).status_code == 404
    wuxi_leader = User.objects.create(username="wuxi-leader", role=User.Role.LEADER,
                                      region=Region.objects.get(name="无锡市"))
    assert login(client, wuxi_leader).get(url).status_code == 404

    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/staff/login/")
    # The file is not reachable under MEDIA_URL either: nothing serves /media/.
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_a_document_is_downloaded_under_its_own_name(client, users, report):
    from minsheng.core.uploads import check_document

    services.save_report(report, users["liaison"], report.version, {}, {}, {},
                         uploads=[check_document(SimpleUploadedFile("整改台账.pdf", _pdf()))])
    document = Attachment.objects.get(report=report)
    response = login(client, users["liaison"]).get(f"/staff/progress/attachments/{document.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


def test_a_submitted_report_takes_no_more_attachments(users, report, media):
    target = report.project.targets.get()
    services.save_report(report, users["liaison"], report.version, {}, {target.pk: {"value": Decimal(3)}}, {})
    services.submit_report(report, users["liaison"])
    report = Report.objects.get(pk=report.pk)
    with pytest.raises(services.WorkflowError):
        services.save_report(report, users["liaison"], report.version, {}, {}, {}, uploads=[_checked(_photo())])
    assert not Attachment.objects.exists() and stored(media) == []


def test_the_portal_shows_photos_of_accepted_reports_on_public_projects_only(client, users, report, attachment):
    from minsheng.plans.models import Plan

    plan = report.project.plan
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    url = f"/projects/{report.project.pk}/photos/{attachment.pk}/"
    assert client.get(url).status_code == 404  # a draft report's photo is internal
    Report.objects.filter(pk=report.pk).update(state=Report.State.ACCEPTED)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png()
    report.project.public = False
    report.project.save()
    assert client.get(url).status_code == 404
