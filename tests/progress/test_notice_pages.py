"""The notices archive: generate, publish, and who may download what."""

import pytest

from minsheng.plans.models import Plan
from minsheng.progress.models import Notice
from minsheng.progress.services import ensure_periods
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_generate_publish_and_download_rules(client, users, django_capture_on_commit_callbacks):
    import datetime

    plan = Plan.objects.get(region__name="杭州市")
    period = ensure_periods(plan, datetime.date(2024, 12, 31))[5]
    login(client, users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):  # the task is enqueued once the request commits
        client.post(f"/staff/progress/plans/{plan.pk}/notices/", {"period": period.pk})
    notice = Notice.objects.get(plan=plan)
    assert notice.state == Notice.State.READY and notice.number == 1

    client.logout()
    assert client.get(f"/notices/{notice.pk}.docx").status_code == 404  # not published yet
    login(client, users["liaison"])
    assert client.post(f"/staff/progress/notices/{notice.pk}/action/", {"action": "publish"}).status_code == 404
    login(client, users["coordinator"])
    client.post(f"/staff/progress/notices/{notice.pk}/action/", {"action": "publish"})
    notice.refresh_from_db()
    assert notice.state == Notice.State.PUBLISHED

    client.logout()
    response = client.get(f"/notices/{notice.pk}.docx")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get(f"/notices/{notice.pk}.plan").status_code == 404
    assert notice.title in client.get("/notices/").content.decode()
