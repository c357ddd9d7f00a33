"""Rectification evidence: checked like every upload, stored under a random name, nothing left by a refusal."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minsheng.core.models import Unit
from minsheng.core.uploads import UploadRejected
from minsheng.supervision import services
from minsheng.supervision.models import Evidence, Finding, Inspection
from tests.helpers import login, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def finding(hangzhou_plan, users):
    civil = Unit.objects.get(region=hangzhou_plan.region, name="市民政局")
    project = hangzhou_plan.projects.filter(unit_links__unit=civil).first()
    inspection = services.record_inspection(
        hangzhou_plan, users["coordinator"], kind=Inspection.Kind.UNANNOUNCED, date=datetime.date(2024, 6, 12),
        team="督查室", projects=[project], sites=[],
        findings=[services.FindingInput("台账不全", Finding.Severity.MAJOR, civil, datetime.date(2024, 6, 28),
                                        "补齐台账", project)])
    return inspection.findings.get()


def test_evidence_is_decoded_and_a_refused_fix_leaves_no_file(client, users, finding, media):
    garbage = SimpleUploadedFile("整改.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 40)
    with pytest.raises(UploadRejected, match="不是可识别的照片"):
        services.report_fix(finding, users["liaison"], "已整改", [(garbage, "photo")])
    assert files(media) == [] and not Evidence.objects.exists()

    services.report_fix(finding, users["liaison"], "已整改", [(SimpleUploadedFile("整改.png", png()), "photo")])
    evidence = Evidence.objects.get()
    assert files(media) == [media / evidence.file.name] and "整改" not in evidence.file.name
    # Reported already: a second fix is refused and writes nothing.
    with pytest.raises(services.SupervisionError):
        services.report_fix(finding, users["liaison"], "再报一次", [(SimpleUploadedFile("b.png", png()), "photo")])
    assert len(files(media)) == 1 and Evidence.objects.count() == 1

    url = f"/staff/supervision/evidence/{evidence.pk}/"
    assert login(client, users["liaison"]).get(url).status_code == 200
    assert login(client, users["wuxi"]).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
