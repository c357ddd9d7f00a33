"""Collective names (各区、县(市)政府, 相关区政府, 各镇街) stand for the member governments.

They are expanded into those governments' units, and the printed text is kept.
"""

import pytest

from minsheng.core.collective import government_name, parse_collective, region_kind
from minsheng.core.models import Region, Unit
from minsheng.plans.export import export_plan
from minsheng.plans.models import PlanImport, ProjectUnit
from minsheng.plans.services import load_plan_document
from minsheng.progress.selectors import reporting_units
from tests.helpers import gold, login

HANGZHOU_DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区",
                      "临安区"]


@pytest.mark.parametrize("name, related, kinds", [
    ("各区、县(市)政府", False, {"district", "county", "city"}),
    ("相关区、县(市)政府", True, {"district", "county", "city"}),
    ("各区政府", False, {"district"}),
    ("各区政府(管委会)", False, {"district", "zone"}),
    ("相关区(市)政府", True, {"district", "city"}),
    ("各市(县)区人民政府", False, {"district", "county", "city"}),
    ("各镇街", False, {"town", "subdistrict"}),
    ("相关街道", True, {"subdistrict"}),
])
def test_collective_names_say_which_governments_they_cover(name, related, kinds):
    collective = parse_collective(name)
    assert collective.governments and collective.related is related and collective.kinds == kinds


def test_plain_names_and_department_collectives():
    for name in ("市民政局", "郑陆镇", "上城区人民政府", "市区政府", "各地"):
        assert parse_collective(name) is None
    assert not parse_collective("各有关单位").governments
    assert region_kind("杭州西湖风景名胜区") == "zone" and region_kind("建德市") == "city"
    assert government_name("杭州西湖风景名胜区") == "杭州西湖风景名胜区管委会"
    assert government_name("茶山街道") == "茶山街道办事处" and government_name("淳安县") == "淳安县人民政府"
    # The simulator's own copy of this rule named these two 人民政府; it now uses this one.
    assert government_name("之江旅游度假区") == "之江旅游度假区管委会"
    assert government_name("钱塘经开区") == "钱塘经开区管委会"


@pytest.fixture
def hangzhou(db):
    """The Hangzhou plan as the hand-checked document has it (the demo reads the seed text itself)."""
    return load_plan_document(gold("001")).plan


def _links(plan, label):
    return list(ProjectUnit.objects.filter(project__plan=plan, label=label).select_related("unit__region")
                .order_by("project__position", "position", "id"))


@pytest.mark.django_db
def test_hangzhou_collectives_expand_into_district_governments(hangzhou):
    hangzhou_plan = hangzhou
    links = _links(hangzhou_plan, "各区政府")
    project = links[0].project
    members = [link.unit for link in links if link.project_id == project.pk]
    assert [u.region.name for u in members] == HANGZHOU_DISTRICTS  # 区 only: not 桐庐县, 建德市 or the scenic zone
    assert all(u.kind == Unit.Kind.GOVERNMENT and not u.needs_review and u.name == f"{u.region.name}人民政府"
               for u in members)
    assert all(link.collective and link.position == links[0].position for link in links if link.project == project)
    every = {link.unit.region.name for link in _links(hangzhou_plan, "各区、县(市)政府")}
    assert every == {*HANGZHOU_DISTRICTS, "桐庐县", "淳安县", "建德市"}
    zone = {link.unit.name for link in _links(hangzhou_plan, "各区政府(管委会)")}
    assert "杭州西湖风景名胜区管委会" in zone and len(zone) == 11
    # The pseudo-unit is gone: no unit is named after the collective any more.
    assert not Unit.objects.filter(name="各区、县(市)政府").exclude(kind=Unit.Kind.COLLECTIVE).exists()


@pytest.mark.django_db
def test_related_takes_the_districts_of_the_allocation_table_or_stays_flagged(hangzhou):
    hangzhou_plan = hangzhou
    by_project: dict = {}
    for link in _links(hangzhou_plan, "相关区政府"):
        by_project.setdefault(link.project, []).append(link.unit)
    expanded = {p: units for p, units in by_project.items() if p.allocations.exists()}
    for project, units in expanded.items():
        allocated = {a.region.name for a in project.allocations.select_related("region")}
        # 市本级 and counties in the table are not 区 governments.
        assert {u.region.name for u in units} == {n for n in allocated if n.endswith("区") and n != "市本级"}
    flagged = [units for p, units in by_project.items() if not p.allocations.exists()]
    assert flagged == [[Unit.objects.get(region=hangzhou_plan.region, name="相关区政府")]]
    assert flagged[0][0].kind == Unit.Kind.COLLECTIVE and flagged[0][0].needs_review


@pytest.mark.django_db
def test_wuxi_district_governments_lead_and_report():
    plan = load_plan_document(gold("000")).plan
    project = plan.projects.get(section="附件2", ref="8")
    assert [u.name for u in reporting_units(project)] == [
        "市住房城乡建设局", "梁溪区人民政府", "锡山区人民政府", "惠山区人民政府", "滨湖区人民政府", "新吴区人民政府",
        "江阴市人民政府", "宜兴市人民政府", "无锡经开区管委会"]


@pytest.mark.django_db
def test_town_collectives_expand_once_the_tree_has_towns():
    plan = load_plan_document(gold("004")).plan
    flagged = Unit.objects.get(region=plan.region, name="各镇街")
    assert flagged.kind == Unit.Kind.COLLECTIVE  # the demo's tree stops at counties
    project = ProjectUnit.objects.filter(project__plan=plan, label="各镇街").first().project
    assert flagged not in reporting_units(project)
    for name in ("高沟镇", "红窑镇", "涟城街道"):
        Region.objects.create(name=name, parent=plan.region, level=Region.Level.TOWN)
    doc = export_plan(plan)
    load_plan_document(doc)
    units = [link.unit.name for link in _links(plan, "各镇街") if link.project_id == project.pk]
    assert units == ["高沟镇人民政府", "红窑镇人民政府", "涟城街道办事处"]
    assert export_plan(plan) == doc  # still printed once, as the document has it


@pytest.mark.django_db
def test_export_prints_each_collective_once():
    doc = gold("001")
    plan = load_plan_document(doc).plan
    assert ProjectUnit.objects.filter(project__plan=plan, collective=True).count() > 300
    assert export_plan(plan) == doc


@pytest.mark.django_db
def test_project_page_and_import_preview_show_the_expansion(client, users, hangzhou):
    hangzhou_plan = hangzhou
    project = _links(hangzhou_plan, "各区政府")[0].project
    login(client, users["coordinator"])
    page = client.get(f"/staff/projects/{project.pk}/").content.decode()
    assert "各区政府 → <span class=\"members\">上城区、拱墅区、西湖区" in page
    draft = PlanImport.objects.create(created_by=users["admin"], file_name="001.txt", file_sha256="0",
                                      document=gold("001"))
    login(client, users["admin"])
    preview = client.get(f"/staff/imports/{draft.pk}/").content.decode()
    assert "各区、县(市)政府 → <span class=\"members\">上城区、拱墅区" in preview
    assert "相关区政府<span class=\"flag\"" in preview  # the one with no allocation table
    assert "单位“各区、县(市)政府”与已知单位不匹配" not in preview
