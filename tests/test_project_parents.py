"""Voted key projects and numbered sub-items are parents of their items: linked from the document,
rolled up from their children, and never counted beside them."""

import datetime
from decimal import Decimal

import pytest

from minsheng.plans.export import export_plan
from minsheng.plans.models import Project
from minsheng.plans.services import load_plan_document
from minsheng.plans.structure import ROLLUP_RULE, link_projects
from minsheng.progress import rollup
from minsheng.progress.selectors import PlanProgress, ProjectProgress, plan_progress, reporting_units
from minsheng.progress.status import Status, Thresholds
from tests.helpers import gold, login


def _by_ref(doc, section, ref):
    return next(i for i, p in enumerate(doc["projects"]) if p["section"] == section and p["ref"] == ref)


def test_wuxi_voted_projects_are_the_parents_of_the_items_that_carry_them_out():
    doc = gold("000")
    links = link_projects(doc["projects"])
    voted = {doc["projects"][i]["ref"] for i in links.voted}
    assert voted == {str(n) for n in range(1, 11)}
    assert all(doc["projects"][i]["section"] == "附件1" for i in links.voted)
    parent_of = {doc["projects"][c]["ref"]: doc["projects"][p]["name"] for c, p in links.parents.items()}
    assert parent_of["7"] == "宜居环境更新工程"  # 老旧小区改造424万平方米 … 加装电梯400台
    assert parent_of["9"] == "供水设施改造工程"
    assert {parent_of[r] for r in ("3", "4", "5", "6")} == {"生态环境优化工程"}
    assert parent_of["10"] == "一老一幼关爱工程"  # 儿童友好试点社区30个 printed as 新增30个儿童友好试点社区
    assert "28" not in parent_of  # shares only 新增中小学 with 教育扩面提质工程: too little to tell
    assert "1" not in parent_of and "2" not in parent_of
    assert len(links.parents) == 26


def test_tianning_sub_items_go_under_an_implied_item():
    doc = gold("003")
    links = link_projects(doc["projects"])
    assert not links.voted and not links.parents
    first = links.implied[("附件2", "1")]
    assert first.name == "优质教育常有优育" and first.category == "优质均衡的教育"
    assert [doc["projects"][i]["ref"] for i in first.children] == ["1-1", "1-2"]
    assert len(links.implied) == 10


def test_a_sub_item_goes_under_the_listed_item_above_it():
    projects = [{"section": None, "ref": "1", "name": "甲"}, {"section": None, "ref": "1-1", "name": "甲一"},
                {"section": None, "ref": "2", "name": "乙"}, {"section": None, "ref": "1", "name": "丙"},
                {"section": None, "ref": "1-2", "name": "丙二"}]
    links = link_projects(projects)
    assert links.parents == {1: 0, 4: 3} and not links.implied


def _progress(pk, fraction, expected, status=Status.ON_TRACK, parent=None, weight=None, reported=True):
    project = Project(pk=pk, name=f"p{pk}", parent_id=parent, weight=weight)
    return ProjectProgress(project=project, lead_units=[], leaders=[], targets=[], fraction=fraction,
                           expected=expected, status=status, overdue_days=0, forecast=None, reported=reported)


def test_roll_up_averages_children_capped_and_weighted():
    parent = _progress(1, 0.0, 0.0, Status.MISSING, reported=False)
    kids = [_progress(2, 0.5, 0.6, parent=1), _progress(3, 1.2, 0.6, Status.DONE, parent=1)]
    plain = _progress(4, 0.3, 0.5, Status.LAGGING)
    result = rollup.roll_up(PlanProgress(plan=None, on=None, projects=[parent, *kids, plain], closed_period=None),
                            Thresholds())
    assert [p.project.pk for p in result.projects] == [2, 3, 4]  # the work, once
    assert result.parents == [parent] and parent.children == kids
    assert parent.fraction == 0.75  # (0.5 + 1.0 capped) / 2
    assert parent.expected == 0.6 and parent.status == Status.AHEAD and parent.reported
    kids[0].project.weight, kids[1].project.weight = Decimal(3), Decimal(1)
    parent2 = _progress(1, 0.0, 0.0)
    result = rollup.roll_up(PlanProgress(plan=None, on=None, projects=[parent2, *kids], closed_period=None),
                            Thresholds())
    assert parent2.fraction == 0.625  # (0.5 × 3 + 1.0 × 1) / 4
    assert parent2.status == Status.ON_TRACK


def test_roll_up_of_children_with_no_figures_is_missing():
    parent = _progress(1, None, 0.0)
    kids = [_progress(2, None, 0.4, Status.MISSING, parent=1, reported=False)]
    result = rollup.roll_up(PlanProgress(plan=None, on=None, projects=[parent, *kids], closed_period=None),
                            Thresholds())
    assert result.parents[0].fraction is None and result.parents[0].status == Status.MISSING


@pytest.mark.django_db
def test_loaded_plans_link_parents_and_count_each_piece_of_work_once():
    wuxi = load_plan_document(gold("000")).plan
    assert wuxi.projects.filter(voted=True).count() == 10
    key = wuxi.projects.get(section="附件1", ref="1")
    assert list(key.children.values_list("ref", flat=True)) == ["7"]
    progress = plan_progress(wuxi, datetime.date(2024, 9, 30))
    assert len(progress.projects) == 50 and len(progress.parents) == 10
    assert sum(progress.counts().values()) == 50
    assert reporting_units(key) == []  # its children report
    one = rollup.find(plan_progress(wuxi, datetime.date(2024, 9, 30), project_ids=[key.pk]), key.pk)
    assert one.project == key and [c.project.ref for c in one.children] == ["7"]

    tianning = load_plan_document(gold("003")).plan
    implied = tianning.projects.get(implied=True, section="附件2", ref="1")
    assert implied.name == "优质教育常有优育"
    assert list(implied.children.order_by("position").values_list("ref", flat=True)) == ["1-1", "1-2"]
    progress = plan_progress(tianning, datetime.date(2023, 9, 30))
    assert len(progress.parents) == 10 and len(progress.projects) == len(gold("003")["projects"])
    assert export_plan(tianning) == gold("003")  # the implied rows are ours, not the document's


@pytest.mark.django_db
def test_a_coordinator_fixes_a_link_within_the_plan_and_reimport_keeps_it(client, users):
    wuxi = load_plan_document(gold("000")).plan
    item = wuxi.projects.get(section="附件2", ref="8")
    key = wuxi.projects.get(section="附件1", ref="1")
    other_plan = Project.objects.exclude(plan=wuxi).first()
    login(client, users["wuxi"])
    page = client.get(f"/staff/projects/{key.pk}/").content.decode()
    assert ROLLUP_RULE in page and "id_parent" in page
    url = f"/staff/projects/{item.pk}/links/"
    assert client.post(url, {"parent": other_plan.pk}).status_code == 302
    item.refresh_from_db()
    assert item.parent_id is None  # not a project of this plan: refused
    client.post(url, {"parent": key.pk, "weight": "2"})
    item.refresh_from_db()
    assert item.parent == key and item.weight == Decimal(2) and item.links_confirmed
    client.post(f"/staff/projects/{key.pk}/links/", {"parent": item.pk})
    key.refresh_from_db()
    assert key.parent is None  # a project cannot go under its own child
    load_plan_document(gold("000"))
    item.refresh_from_db()
    assert item.parent == key  # the coordinator's link survives the document
    login(client, users["coordinator"])  # 杭州's coordinator has no say over 无锡's plan
    assert client.post(url, {"parent": ""}).status_code in (403, 404)
    item.refresh_from_db()
    assert item.parent == key


@pytest.mark.django_db
def test_notice_lists_parents_with_their_children():
    from minsheng.progress.models import Period
    from minsheng.progress.notice import notice_figures

    wuxi = load_plan_document(gold("000")).plan
    period, _ = Period.objects.get_or_create(plan=wuxi, year=2024, month=9,
                                             defaults={"due_on": datetime.date(2024, 10, 8)})
    figures = notice_figures(plan_progress(wuxi, datetime.date(2024, 10, 9)), 1, period)
    assert figures["total"] == 50
    first = figures["parents"][0]
    assert first["name"] == "宜居环境更新工程" and first["voted"]
    assert [c["ref"] for c in first["children"]] == ["7"]
    assert figures["rules"]["rollup"] == ROLLUP_RULE
