"""Writes of sites (点位): one from the form, many from an Excel sheet, the demo's generated ones.

Every coordinate is converted to GCJ-02 (the boundaries' datum) and must fall inside the plan's
region: a point outside is almost always swapped longitude/latitude or the wrong datum.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.core.models import Region
from minsheng.maps import boundaries
from minsheng.maps.geo import Datum, bbox, point_in_geometry, to_gcj02
from minsheng.plans.models import Plan, Project, Site
from minsheng.plans.services import create_site, create_sites

HEADERS = {
    "name": ("名称", "点位名称", "name"),
    "address": ("地址", "address"),
    "district": ("区县", "所在区县", "区", "district"),
    "longitude": ("经度", "longitude", "lng", "lon"),
    "latitude": ("纬度", "latitude", "lat"),
}


class SiteRejected(ValueError):
    pass


@dataclass
class SiteInput:
    name: str
    address: str
    district: str
    longitude: float
    latitude: float
    datum: Datum = Datum.GCJ02


@dataclass
class ImportResult:
    created: list[Site] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, message)


def _district_region(plan: Plan, name: str) -> Region | None:
    if not name:
        return None
    for region in Region.objects.filter(parent=plan.region):
        if name == region.name or name in (region.aliases or []):
            return region
    return plan.region if name == plan.region.name else None


def check_site(plan: Plan, data: SiteInput) -> tuple[Decimal, Decimal, Region | None]:
    """The GCJ-02 coordinates to store and the district, or SiteRejected saying why."""
    if not (-180 <= data.longitude <= 180 and -90 <= data.latitude <= 90):
        raise SiteRejected(_("经纬度超出范围"))
    lng, lat = to_gcj02(data.longitude, data.latitude, data.datum)
    region = _district_region(plan, data.district.strip())
    if data.district.strip() and region is None:
        raise SiteRejected(_("“%(name)s”不是%(region)s的下辖区县")
                           % {"name": data.district, "region": plan.region.name})
    collection = boundaries.boundary(plan.region)
    if collection is not None:
        if not boundaries.contains(collection, (lng, lat)):
            raise SiteRejected(_("坐标（%(lng).6f, %(lat).6f）不在%(region)s范围内，"
                                 "请检查经纬度是否填反或坐标系是否正确")
                               % {"lng": lng, "lat": lat, "region": plan.region.name})
        if region is not None and region != plan.region:
            geometry = boundaries.district_geometry(collection, region.name)
            if geometry is not None and not point_in_geometry((lng, lat), geometry):
                raise SiteRejected(_("坐标不在%(name)s范围内") % {"name": region.name})
        if region is None:
            at = boundaries.district_at(collection, (lng, lat))
            region = _district_region(plan, at) if at else None
    return Decimal(f"{lng:.6f}"), Decimal(f"{lat:.6f}"), region


def add_site(project: Project, data: SiteInput) -> Site:
    lng, lat, region = check_site(project.plan, data)
    return create_site(project=project, name=data.name.strip(), address=data.address.strip(),
                       region=region, longitude=lng, latitude=lat)


def _column_map(header_row) -> dict[str, int]:
    columns = {}
    for i, cell in enumerate(header_row):
        text = str(cell or "").strip().lower()
        for key, names in HEADERS.items():
            if text in names and key not in columns:
                columns[key] = i
    return columns


def import_sites(project: Project, file: BinaryIO, datum: Datum = Datum.GCJ02) -> ImportResult:
    """Rows with errors are reported by row number; the good rows are saved only if none failed,
    so a corrected sheet can be uploaded again without creating duplicates."""
    from openpyxl import load_workbook

    result = ImportResult()
    try:
        sheet = load_workbook(file, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many types for a file that is not xlsx
        result.errors.append((0, _("无法读取文件，请上传 .xlsx 格式的 Excel 表格")))
        return result
    rows = sheet.iter_rows(values_only=True)
    columns = _column_map(next(rows, ()))
    missing = [HEADERS[k][0] for k in ("name", "longitude", "latitude") if k not in columns]
    if missing:
        result.errors.append((1, _("表头缺少：%(cols)s") % {"cols": "、".join(missing)}))
        return result
    pending = []
    for number, row in enumerate(rows, start=2):
        def cell(key: str, row=row) -> str:
            i = columns.get(key)
            return str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else ""

        if not any(cell(k) for k in HEADERS):
            continue
        if not cell("name"):
            result.errors.append((number, _("缺少点位名称")))
            continue
        try:
            lng, lat = float(Decimal(cell("longitude"))), float(Decimal(cell("latitude")))
        except (InvalidOperation, ValueError):
            result.errors.append((number, _("经纬度不是数字")))
            continue
        data = SiteInput(cell("name"), cell("address"), cell("district"), lng, lat, datum)
        try:
            pending.append((data, check_site(project.plan, data)))
        except SiteRejected as exc:
            result.errors.append((number, str(exc)))
    if result.errors:
        return result
    with transaction.atomic():
        for data, (lng, lat, region) in pending:
            result.created.append(create_site(
                project=project, name=data.name, address=data.address, region=region, longitude=lng, latitude=lat))
    return result


# --- demo -------------------------------------------------------------------------------------------

def _random_point_in(geometry: dict, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = bbox([geometry])
    for _attempt in range(500):
        point = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if point_in_geometry(point, geometry):
            return point
    raise RuntimeError("no point found inside the district")


def seed_demo_sites(plan: Plan, every: int = 2, per_project: int = 3) -> int:
    """Plausible sites for every ``every``-th project, inside its districts (or the plan's own
    outline); seeded by the plan's region and the project's position, so every run makes the same."""
    collection = boundaries.boundary(plan.region)
    if collection is None or Site.objects.filter(project__plan=plan).exists():
        return 0
    features = collection["features"]
    regions = {r.name: r for r in Region.objects.filter(parent=plan.region)}
    new = []
    for project in plan.projects.order_by("position", "id")[::every]:
        seed = hashlib.sha256(f"{plan.region.name}/{plan.year}/{project.position}/{project.name}".encode()).digest()
        rng = random.Random(seed)
        wanted = [a.label for a in project.allocations.all() if a.label in {f["properties"]["name"] for f in features}]
        for i in range(rng.randint(1, per_project)):
            name = wanted[i % len(wanted)] if wanted else rng.choice(features)["properties"]["name"]
            feature = next(f for f in features if f["properties"]["name"] == name)
            lng, lat = _random_point_in(feature["geometry"], rng)
            new.append(Site(project=project, name=f"{project.name[:40]}·{name}{i + 1}号点",
                            address=f"{plan.region.name}{name if name != plan.region.name else ''}",
                            region=regions.get(name, plan.region),
                            longitude=Decimal(f"{lng:.6f}"), latitude=Decimal(f"{lat:.6f}")))
    create_sites(new)
    return len(new)
