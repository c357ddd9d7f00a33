"""The public survey form is limited per client address (for each project) and per project."""

import pytest
from django.urls import reverse

from minsheng.assessment.models import Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveys(hangzhou_plan, users):
    first, second = hangzhou_plan.projects.filter(public=True)[:2]
    return [Survey.objects.create(project=p, title="群众满意度", created_by=users["coordinator"])
            for p in (first, second)]


def answer(client, survey, address: str):
    return client.post(reverse("surveys_public:answer", args=[survey.pk]), {"rating": "satisfied"},
                       REMOTE_ADDR=address)


def test_one_address_answers_a_projects_survey_a_few_times_only(client, surveys, settings):
    """The original gap: nothing stopped one address from stuffing a project's survey."""
    settings.SURVEY_RATE_LIMITS = {"address_per_project_per_day": 2, "project_per_hour": 100}
    survey, other = surveys
    assert [answer(client, survey, "10.0.0.1").status_code for _ in range(2)] == [200, 200]
    refused = answer(client, survey, "10.0.0.1")
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert survey.responses.count() == 2
    # Another address, or the same address on another project's survey, still gets through.
    assert answer(client, survey, "10.0.0.2").status_code == 200
    assert answer(client, other, "10.0.0.1").status_code == 200


def test_a_project_takes_a_bounded_number_of_answers_per_hour(client, surveys, settings):
    settings.SURVEY_RATE_LIMITS = {"address_per_project_per_day": 100, "project_per_hour": 3}
    survey, other = surveys
    for n in range(3):
        assert answer(client, survey, f"10.0.1.{n}").status_code == 200
    assert answer(client, survey, "10.0.1.99").status_code == 429
    assert survey.responses.count() == 3
    assert answer(client, other, "10.0.1.99").status_code == 200


def test_an_invalid_answer_costs_nothing(client, surveys, settings):
    settings.SURVEY_RATE_LIMITS = {"address_per_project_per_day": 1, "project_per_hour": 100}
    survey, _other = surveys
    bad = client.post(reverse("surveys_public:answer", args=[survey.pk]), {"rating": "great"}, REMOTE_ADDR="10.0.2.1")
    assert bad.status_code == 200 and survey.responses.count() == 0
    assert answer(client, survey, "10.0.2.1").status_code == 200
