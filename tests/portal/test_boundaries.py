"""The committed boundaries: every seed plan has one, districts match the region tree, and the
site checks refuse points outside."""

import io

import pytest
from openpyxl import Workbook

from minsheng.maps import boundaries, services
from minsheng.maps.geo import Datum, gcj02_to_bd09, gcj02_to_wgs84
from minsheng.plans.models import Plan, Site

pytestmark = pytest.mark.django_db

WEST_LAKE = (120.1485, 30.2420)  # GCJ-02, in 西湖区


def test_every_seed_plan_has_a_boundary_whose_districts_are_its_regions():
    for plan in Plan.objects.select_related("region"):
        collection = boundaries.boundary(plan.region)
        assert collection is not None, plan.region.name
        names = {f["properties"]["name"] for f in collection["features"]}
        children = set(plan.region.children.values_list("name", flat=True))
        assert names <= children | {plan.region.name}


def test_district_lookup(hangzhou_plan):
    collection = boundaries.boundary(hangzhou_plan.region)
    assert boundaries.district_at(collection, WEST_LAKE) == "西湖区"
    assert not boundaries.contains(collection, (116.40, 39.90))  # Beijing


def test_add_site_converts_wgs84_and_bd09_and_finds_the_district(hangzhou_plan):
    project = hangzhou_plan.projects.first()
    wgs = gcj02_to_wgs84(*WEST_LAKE)
    site = services.add_site(project, services.SiteInput("A", "", "", *wgs, Datum.WGS84))
    assert float(site.longitude) == pytest.approx(WEST_LAKE[0], abs=1e-5)
    assert site.region.name == "西湖区"
    bd = gcj02_to_bd09(*WEST_LAKE)
    site = services.add_site(project, services.SiteInput("B", "", "西湖区", *bd, Datum.BD09))
    assert float(site.latitude) == pytest.approx(WEST_LAKE[1], abs=1e-5)


@pytest.mark.parametrize(("lng", "lat", "district", "message"), [
    (116.40, 39.90, "", "不在杭州市范围内"),
    (30.2420, 120.1485, "", "超出范围"),  # swapped
    (120.1485, 30.2420, "萧山区", "不在萧山区范围内"),
    (120.1485, 30.2420, "南京区", "不是杭州市的下辖区县"),
])
def test_add_site_refuses_points_outside(hangzhou_plan, lng, lat, district, message):
    with pytest.raises(services.SiteRejected, match=message):
        services.add_site(hangzhou_plan.projects.first(), services.SiteInput("X", "", district, lng, lat))


def _sheet(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "地址", "区县", "经度", "纬度"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_import_reports_every_bad_row_and_saves_nothing(hangzhou_plan):
    project = hangzhou_plan.projects.last()
    before = Site.objects.count()
    result = services.import_sites(project, _sheet([
        ["好点位", "西湖边", "西湖区", *WEST_LAKE],
        ["北京", "", "", 116.40, 39.90],
        ["", "", "", 120.1, 30.2],
        ["坏数字", "", "", "东经120", 30.2],
    ]))
    assert [row for row, _ in result.errors] == [3, 4, 5]
    assert Site.objects.count() == before


def test_import_saves_good_sheet(hangzhou_plan):
    project = hangzhou_plan.projects.last()
    result = services.import_sites(project, _sheet([["点1", "西湖边", "西湖区", *WEST_LAKE], [None] * 5]))
    assert not result.errors and len(result.created) == 1
    assert result.created[0].region.name == "西湖区"


def test_import_refuses_a_sheet_without_coordinates(hangzhou_plan):
    wb = Workbook()
    wb.active.append(["名称", "地址"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    result = services.import_sites(hangzhou_plan.projects.first(), buf)
    assert result.errors and "经度" in result.errors[0][1]


def test_demo_sites_lie_inside_their_districts_and_are_deterministic(hangzhou_plan):
    sites = list(Site.objects.filter(project__plan=hangzhou_plan).select_related("region"))
    assert len(sites) > 10
    collection = boundaries.boundary(hangzhou_plan.region)
    for site in sites:
        point = (float(site.longitude), float(site.latitude))
        assert boundaries.district_at(collection, point) == site.region.name
    first = [(s.name, s.longitude, s.latitude) for s in sites]
    Site.objects.filter(project__plan=hangzhou_plan).delete()
    services.seed_demo_sites(hangzhou_plan)
    again = [(s.name, s.longitude, s.latitude) for s in Site.objects.filter(project__plan=hangzhou_plan).order_by("id")]
    assert again == first
