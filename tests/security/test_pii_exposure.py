"""PII exposure: phone and ID numbers planted, through the real forms and APIs, in every free-text field
citizens (and staff answering them) fill in, then every public page, API and export read as the roles
that must never see them. The comparison is on digits only, after NFKC, so ``138-0013-8000``,
``+86 138 0013 8000`` and full-width digits all count as the same number.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import uuid

import pytest
from django.test import Client
from openpyxl import load_workbook

from minsheng.appeals import services
from minsheng.appeals.models import Appeal
from minsheng.assessment.models import DeputyRating, SurveyResponse
from minsheng.progress.models import Report
from minsheng.supervision.models import DeputyQuestion
from tests.helpers import login
from tests.security.world import World

pytestmark = pytest.mark.django_db

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id18(seq: int) -> str:
    """A valid 18-digit resident ID (GB 11643 checksum) born 1990-01-01 in 西湖区."""
    body = f"33010619900101{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in text)


class Plant:
    """The numbers hidden in one field: each field its own, so a leak names the field."""

    def __init__(self, field: str, k: int):
        self.field = field
        mid, tail = f"{k:04d}", f"{8000 + k:04d}"
        self.mobile = f"138{mid}{tail}"
        self.landline = f"0571-8765{k:04d}"
        self.id18, self.id15 = id18(k), f"330106900101{k:03d}"
        self.text = (f"请联系我 {self.mobile}，或 +86 138 {mid} {tail}，或 86-138-{mid}-{tail}，"
                     f"或{full_width(self.mobile)}，座机 {self.landline}，身份证 {self.id18}，老证 {self.id15}。")

    def needles(self) -> dict[str, str]:
        return {"mobile": self.mobile, "landline": re.sub(r"\D", "", self.landline),
                "id18": self.id18[:17], "id15": self.id15}


def digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


FIELDS = ["web.title", "web.content", "web.address", "web.phone", "open311.description", "open311.title",
          "open311.address", "open311.phone", "accept.note", "answer.text", "close.note", "rating.comment",
          "survey.comment", "deputy_rating.comment", "question.question", "question.answer",
          "report.progress_text", "report.problems", "report.next_steps"]
PLANTS = {name: Plant(name, k + 1) for k, name in enumerate(FIELDS)}


def _text(name: str) -> str:
    return PLANTS[name].text


def _plant(world: World, clients: dict[str, Client]) -> list[Appeal]:
    a = world.A
    anon, coordinator, liaison = clients["anonymous"], clients["coordinator"], clients["liaison"]
    # 1. The public form, with consent to publish.
    response = anon.post("/appeals/new/", {
        "submission_key": str(uuid.uuid4()), "category": a.appeal.category_id, "region": a.district.pk,
        "title": _text("web.title")[:100], "content": _text("web.content"), "address": _text("web.address")[:200],
        "name": "赵六", "phone": PLANTS["web.phone"].mobile, "publish": "on",
    }, REMOTE_ADDR="10.9.9.1")
    assert response.status_code == 302, response.content.decode()[:2000]
    web = Appeal.objects.get(code=response["Location"].rstrip("/").split("/")[-1])
    # 2. Open311, with a key of 杭州, agreeing to publication.
    key = services.issue_key("PII测试", a.region)
    response = anon.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "help", "jurisdiction_id": a.region.pk,
        "description": _text("open311.description"), "attribute[title]": _text("open311.title")[:100],
        "address_string": _text("open311.address")[:200], "phone": PLANTS["open311.phone"].mobile,
        "last_name": "钱", "first_name": "七", "attribute[publish]": "yes",
    })
    assert response.status_code == 200, response.content.decode()
    o311 = Appeal.objects.get(code=json.loads(response.content)[0]["service_request_id"])
    # 3. The workflow: accept with a note, answer, close with a note -- all through the staff pages.
    for appeal in (web, o311):
        r = coordinator.post(f"/staff/appeals/{appeal.code}/accept/", {
            "unit": a.unit.pk, "category": appeal.category_id, "note": _text("accept.note")[:500]})
        assert r.status_code == 302
        r = liaison.post(f"/staff/appeals/{appeal.code}/answer/", {"text": _text("answer.text")})
        assert r.status_code == 302
    web.refresh_from_db()
    assert web.state_id == "answered", web.state_id
    # 4. The citizen's rating comment: through the tracking page; if the page now needs the citizen's
    # secret (which this test does not hold), the comment is written as the rating service would.
    anon.post(f"/appeals/track/{web.code}/", {"rating": "basic", "resolved": "1",
                                              "comment": _text("rating.comment")[:500]})
    if not Appeal.objects.get(pk=web.pk).rating_comment:
        Appeal.objects.filter(pk=web.pk).update(rating="basic", resolved=True,
                                                rating_comment=_text("rating.comment")[:500])
    r = coordinator.post(f"/staff/appeals/{o311.code}/close/", {"note": _text("close.note")[:500]})
    assert r.status_code == 302
    # 5. A public survey answer, a deputy's rating, a deputy question and the unit's answer.
    r = anon.post(f"/surveys/{a.survey.pk}/", {"rating": "basic", "comment": _text("survey.comment")})
    assert r.status_code == 200 and SurveyResponse.objects.filter(survey=a.survey).exists()
    clients["deputy"].post(f"/staff/assessment/plans/{a.plan.pk}/evaluate/", {
        "project": a.project.pk, "rating": "basic", "comment": _text("deputy_rating.comment")})
    assert DeputyRating.objects.filter(project=a.project).exists()
    coordinator.post(f"/staff/supervision/plans/{a.plan.pk}/congress/", {
        "question": _text("question.question"), "asked_by": "王代表", "unit": a.unit.pk,
        "asked_on": f"{a.plan.year}-07-01"})
    question = DeputyQuestion.objects.filter(plan=a.plan).order_by("-pk").first()
    assert question is not None and digits(PLANTS["question.question"].mobile) in digits(question.question)
    liaison.post(f"/staff/supervision/questions/{question.pk}/", {"answer": _text("question.answer")})
    # 6. A unit's accepted report, whose narrative the public project page shows.
    Report.objects.filter(pk=a.accepted_report.pk).update(
        progress_text=_text("report.progress_text"), problems=_text("report.problems"),
        next_steps=_text("report.next_steps"))
    return [web, o311]


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def _pages(world: World, appeals: list[Appeal]) -> list[str]:
    a = world.A
    pages = ["/", f"/plans/{a.plan.pk}/", f"/plans/{a.plan.pk}/map/", f"/projects/{a.project.pk}/", "/appeals/",
             "/notices/", f"/surveys/{a.survey.pk}/",
             f"/open311/v2/requests.json?jurisdiction_id={a.region.pk}",
             f"/open311/v2/requests.xml?jurisdiction_id={a.region.pk}",
             "/open311/v2/requests.json?service_request_id=" + ",".join(x.code for x in appeals),
             # Staff pages these roles may open; whatever they show of what a citizen wrote must be masked.
             # (Deputies' questions and reports are staff's own text: only the public pages are checked
             # for them, which is where the public could read them.)
             "/staff/appeals/", "/staff/appeals/figures/", "/staff/appeals/export.xlsx", "/api/v1/appeals/",
             f"/staff/assessment/plans/{a.plan.pk}/surveys/", f"/staff/cockpit/plans/{a.plan.pk}/"]
    for appeal in appeals:
        pages += [f"/appeals/track/{appeal.code}/", f"/api/v1/appeals/track/{appeal.code}/",
                  f"/open311/v2/requests/{appeal.code}.json", f"/open311/v2/requests/{appeal.code}.xml",
                  f"/staff/appeals/{appeal.code}/", f"/api/v1/appeals/{appeal.code}/"]
    return pages


# The roles that must never read a citizen's numbers: the public, the region's leaders and deputies
# (who read appeals masked), another unit, and another city's coordinator.
READERS = ["anonymous", "leader", "deputy", "other_liaison", "wuxi"]


@pytest.fixture(scope="module")
def pii_clients(world, django_db_blocker):
    made = {}
    with django_db_blocker.unblock():
        for name in ["anonymous", "coordinator", "liaison", *READERS[1:]]:
            client = Client(raise_request_exception=False)
            if name != "anonymous":
                login(client, world.users[name])
            made[name] = client
    return made


def test_planted_numbers_never_reach_public_pages_or_other_roles(world, pii_clients, settings):
    settings.APPEALS_RATE_LIMITS = {"ip_per_hour": 1000, "phone_per_day": 1000}
    appeals = _plant(world, pii_clients)
    leaks, read = [], 0
    for role in READERS:
        client = pii_clients[role]
        for url in _pages(world, appeals):
            response = client.get(url)
            if response.status_code != 200:
                continue
            read += 1
            body = (_xlsx_text(response.content) if url.endswith(".xlsx")
                    else b"".join(response.streaming_content).decode() if response.streaming
                    else response.content.decode())
            text = digits(body)
            for field, plant in PLANTS.items():
                for kind, needle in plant.needles().items():
                    if needle in text:
                        leaks.append(f"{role:<14} {url}: {field} ({kind})")
    assert read > 40, f"only {read} pages answered: the test is not reading what it should"
    assert not leaks, f"{len(leaks)} leaks of planted numbers:\n" + "\n".join(sorted(leaks))
