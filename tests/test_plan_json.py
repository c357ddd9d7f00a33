"""Loading minsheng.plan/1 documents into the database and exporting them back."""

import copy
import json

import pytest

from minsheng.core.models import Unit
from minsheng.plans.export import export_plan
from minsheng.plans.models import Allocation, Plan, Project, Target
from minsheng.plans.plan_json import PlanDocumentError, validation_errors
from minsheng.plans.services import load_plan_document
from tests.helpers import GOLD, gold

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name[:3])
def test_export_of_a_loaded_seed_is_identical_and_loads_back_unchanged(path):
    doc = json.loads(path.read_text())
    Plan.objects.filter(title=doc["plan"]["title"]).delete()

    result = load_plan_document(doc)
    exported = export_plan(result.plan)
    assert exported == doc

    again = load_plan_document(json.loads(json.dumps(exported)))
    assert again.plan.pk == result.plan.pk
    assert (again.created, again.updated, again.deleted) == ([], [], [])
    assert export_plan(again.plan) == doc


def test_loading_the_same_document_twice_updates_instead_of_duplicating():
    doc = gold("001")
    plans_before, projects_before = Plan.objects.count(), Project.objects.count()
    changed = copy.deepcopy(doc)
    changed["projects"][0]["targets"][0]["value"] = 230
    changed["projects"][1]["name"] += "（调整）"
    del changed["projects"][2]

    result = load_plan_document(changed)

    assert not result.plan_created
    assert Plan.objects.count() == plans_before
    assert Project.objects.count() == projects_before - 1
    first = doc["projects"][0]["name"]
    assert result.changes[first] == ["targets"]
    assert result.plan.projects.get(name=first).targets.first().value == 230
    assert result.deleted == [doc["projects"][2]["name"]]
    # A reworded project keeps its identity instead of being deleted and created anew.
    assert result.created == []
    assert result.changes[doc["projects"][1]["name"] + "（调整）"] == ["name"]


def test_unknown_unit_is_created_for_review_and_known_alias_resolves():
    doc = gold("001")
    doc["projects"][0]["lead_units"] = ["市卫健委", "市新设立的民生办"]
    load_plan_document(doc)

    project = Plan.objects.get(title=doc["plan"]["title"]).projects.order_by("position").first()
    links = list(project.unit_links.order_by("position"))
    assert links[0].unit.name == "市卫生健康委员会" and not links[0].unit.needs_review
    assert links[0].label == "市卫健委"
    assert links[1].unit.needs_review
    assert Unit.objects.filter(name="市新设立的民生办").count() == 1


def test_allocation_regions_resolve_below_the_plan_region():
    plan = Plan.objects.get(region__name="杭州市")
    regions = {a.region.parent.name for a in Allocation.objects.filter(project__plan=plan)}
    assert regions == {"杭州市"}


def test_validation_names_the_failing_paths():
    doc = gold("004")
    doc["projects"][3]["targets"] = [{"value": "二十", "unit": "个", "op": ">="}]
    doc["projects"][5]["milestones"][0]["due"] = "2024/03/31"
    doc["projects"][7]["allocations"] = [{"region": "某区", "value": 1, "target": 9}]
    errors = validation_errors(doc)
    assert any(e.startswith("projects/3/targets/0/value:") for e in errors)
    assert any(e.startswith("projects/5/milestones/0/due:") for e in errors)

    doc["projects"][3]["targets"][0]["value"] = 20
    doc["projects"][5]["milestones"][0]["due"] = "2024-03-31"
    n = len(doc["projects"][7]["targets"])
    assert validation_errors(doc) == [f"projects/7/allocations/0/target: 9 超出该项目指标数（{n}）"]


def test_a_bad_document_saves_nothing():
    doc = gold("002")
    Plan.objects.filter(title=doc["plan"]["title"]).delete()
    targets_before = Target.objects.count()
    doc["projects"][-1]["milestones"] = [{"due": "not a date"}]
    with pytest.raises(PlanDocumentError) as info:
        load_plan_document(doc)
    assert "projects/69/milestones/0/due" in str(info.value)
    assert not Plan.objects.filter(title=doc["plan"]["title"]).exists()
    assert Target.objects.count() == targets_before


def test_history_records_who_changed_a_target_and_the_project_page_shows_it(client, users):
    from tests.helpers import login

    plan = Plan.objects.get(region__name="杭州市")
    project = plan.projects.order_by("position").first()
    target = project.targets.first()
    target._history_user = users["coordinator"]
    target.value = 300
    target.save()

    page = login(client, users["coordinator"]).get(f"/staff/projects/{project.pk}/")
    body = page.content.decode()
    assert "修改记录" in body
    assert "<ins>300" in body
    assert "<td>coordinator</td>" in body
