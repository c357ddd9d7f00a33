"""The public portal: what anonymous visitors see and do not see, ratings, cached pages."""

import pytest
from django.urls import reverse

from minsheng.plans.models import Plan, Project
from minsheng.portal.models import Rating
from minsheng.progress.models import Report

pytestmark = pytest.mark.django_db


def test_index_lists_published_plans_by_region(client):
    response = client.get("/")
    assert response.status_code == 200
    for plan in Plan.objects.filter(status=Plan.Status.PUBLISHED):
        assert reverse("portal:plan", args=[plan.pk]) in response.text
    assert reverse("appeals_public:track") in response.text and reverse("public_notices") in response.text


def test_plan_page_shows_public_projects_only(client, hangzhou_plan):
    hidden = hangzhou_plan.projects.first()
    hidden.public = False
    hidden.save()
    response = client.get(reverse("portal:plan", args=[hangzhou_plan.pk]))
    assert response.status_code == 200
    assert reverse("portal:project", args=[hidden.pk]) not in response.text
    shown = hangzhou_plan.projects.exclude(pk=hidden.pk).first()
    assert reverse("portal:project", args=[shown.pk]) in response.text
    assert client.get(reverse("portal:project", args=[hidden.pk])).status_code == 404


def test_draft_plan_is_not_public(client, hangzhou_plan):
    hangzhou_plan.status = Plan.Status.DRAFT
    hangzhou_plan.save()
    assert client.get(reverse("portal:plan", args=[hangzhou_plan.pk])).status_code == 404
    assert client.get(reverse("portal:map", args=[hangzhou_plan.pk])).status_code == 404
    assert client.get(reverse("portal:project", args=[hangzhou_plan.projects.first().pk])).status_code == 404


def _project_with_sites(plan) -> Project:
    return plan.projects.filter(sites__isnull=False).distinct().first()


def test_project_page_has_progress_timeline_sites_and_rating_form(client, hangzhou_plan):
    project = _project_with_sites(hangzhou_plan)
    response = client.get(reverse("portal:project", args=[project.pk]))
    assert response.status_code == 200
    text = response.text
    assert 'role="progressbar"' in text and project.name in text
    assert project.sites.first().name in text
    assert reverse("portal:boundary", args=[hangzhou_plan.pk]) in text
    assert 'name="choice"' in text


def test_only_accepted_reports_public_fields_are_shown(client, hangzhou_plan, users):
    from minsheng.progress.models import Period

    project = hangzhou_plan.projects.first()
    link = project.unit_links.first()
    period, _ = Period.objects.get_or_create(plan=hangzhou_plan, year=hangzhou_plan.year, month=3,
                                             defaults={"due_on": f"{hangzhou_plan.year}-04-03"})
    Report.objects.create(project=project, unit=link.unit, period=period, state=Report.State.ACCEPTED,
                          progress_text="已建成三处公开进展", problems="内部问题不公开")
    other = hangzhou_plan.projects.all()[1]
    Report.objects.create(project=other, unit=other.unit_links.first().unit, period=period,
                          state=Report.State.SUBMITTED, progress_text="尚未审核的文字")
    text = client.get(reverse("portal:project", args=[project.pk])).text
    assert "已建成三处公开进展" in text and "内部问题不公开" not in text
    assert "尚未审核的文字" not in client.get(reverse("portal:project", args=[other.pk])).text


def test_rating_is_counted_and_limited_per_address(client, hangzhou_plan):
    project = hangzhou_plan.projects.first()
    url = reverse("portal:rate", args=[project.pk])
    response = client.post(url, {"choice": "satisfied"}, REMOTE_ADDR="10.0.0.1", follow=True)
    assert "感谢您的评价" in response.text
    assert "满意率 100.0%" in response.text
    response = client.post(url, {"choice": "dissatisfied"}, REMOTE_ADDR="10.0.0.1", follow=True)
    assert "已经评价过" in response.text
    client.post(url, {"choice": "dissatisfied"}, REMOTE_ADDR="10.0.0.2")
    assert Rating.objects.filter(project=project).count() == 2
    assert client.post(url, {"choice": "bogus"}, REMOTE_ADDR="10.0.0.3").status_code == 302
    assert Rating.objects.filter(project=project).count() == 2
    # The address is not stored, only a keyed hash of it.
    assert not Rating.objects.filter(address_hash__contains="10.0.0").exists()


def test_rating_limit_per_day_across_projects(hangzhou_plan):
    from minsheng.portal import services

    for project in hangzhou_plan.projects.all()[: services.PER_DAY]:
        services.rate(project, "basic", "10.9.9.9")
    with pytest.raises(services.RatingRefused, match="过多"):
        services.rate(hangzhou_plan.projects.all()[services.PER_DAY], "basic", "10.9.9.9")


def test_project_page_is_cached_until_the_next_publication(client, hangzhou_plan, django_assert_max_num_queries):
    from minsheng.progress.models import Period

    project = hangzhou_plan.projects.first()
    url = reverse("portal:project", args=[project.pk])
    client.get(url)
    with django_assert_max_num_queries(6):
        client.get(url)  # the page, its plan and revision: the progress is not recomputed
    period, _ = Period.objects.get_or_create(plan=hangzhou_plan, year=hangzhou_plan.year, month=4,
                                             defaults={"due_on": f"{hangzhou_plan.year}-05-03"})
    report = Report.objects.create(project=project, unit=project.unit_links.first().unit, period=period,
                                   state=Report.State.REVIEWED, progress_text="新发布的进展")
    assert "新发布的进展" not in client.get(url).text
    report.state = Report.State.ACCEPTED
    report.save()
    assert "新发布的进展" in client.get(url).text


def test_map_page_lists_points_and_filters(client, hangzhou_plan):
    response = client.get(reverse("portal:map", args=[hangzhou_plan.pk]))
    assert response.status_code == 200
    assert 'id="plan-map"' in response.text and 'data-map-filter="category"' in response.text
    boundary = client.get(reverse("portal:boundary", args=[hangzhou_plan.pk]))
    assert boundary["Content-Type"] == "application/geo+json"
    assert boundary.content.startswith(b'{"type":"FeatureCollection"')


def test_echarts_is_served_by_the_app(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/echarts/echarts.min.js")
