"""The demo: regions of the seed governments, the five seed documents imported, accounts for every role."""

import json
from pathlib import Path

from django.db import transaction

from minsheng.appeals.demo import prepare as prepare_appeals
from minsheng.core.calendar import seed_calendar
from minsheng.core.models import Region, Unit, User
from minsheng.core.resolve import guess_level
from minsheng.ingest.api import import_file
from minsheng.maps.services import seed_demo_sites
from minsheng.plans.models import Plan
from minsheng.plans.services import load_plan_document
from minsheng.progress.models import Report
from minsheng.progress.simulate import simulate_plan

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "minsheng-demo"


def seed_regions() -> None:
    tree = json.loads((DATA / "regions.json").read_text())

    def add(node, parent: Region | None) -> None:
        name, aliases = (node, []) if isinstance(node, str) else (node["name"], node.get("aliases", []))
        region, _ = Region.objects.get_or_create(
            name=name, parent=parent, defaults={"level": guess_level(name), "aliases": aliases}
        )
        return region

    for province, cities in tree.items():
        p = add(province, None)
        for city, districts in cities.items():
            c = add(city, p)
            for district in districts:
                add(district, c)


def seed_units() -> None:
    """Units whose short names differ from their full names, so imports resolve both."""
    for city, units in json.loads((DATA / "units.json").read_text()).items():
        region = Region.objects.get(name=city)
        for unit in units:
            Unit.objects.update_or_create(
                region=region,
                name=unit["name"],
                defaults={"short_name": unit.get("short_name", ""), "aliases": unit.get("aliases", [])},
            )


def load_seed_plans() -> list[Plan]:
    """Import the five real documents the way a coordinator would, through the importer."""
    return [load_plan_document(import_file(path)).plan for path in sorted((DATA / "seeds").glob("*.txt"))]


# Each account: username, role, display name, city, unit name (for unit roles).
ACCOUNTS = [
    ("coordinator", User.Role.COORDINATOR, "市政府督查室", "杭州市", None),
    ("wuxi", User.Role.COORDINATOR, "无锡市发展改革委", "无锡市", None),
    ("liaison", User.Role.LIAISON, "市民政局联络员", "杭州市", "市民政局"),
    ("reviewer", User.Role.REVIEWER, "市民政局审核人", "杭州市", "市民政局"),
    ("leader", User.Role.LEADER, "分管副市长", "杭州市", None),
    ("deputy", User.Role.DEPUTY, "市人大代表", "杭州市", None),
]


def create_accounts() -> list[tuple[str, str, str]]:
    created = []
    for username, role, display, city, unit_name in ACCOUNTS:
        region = Region.objects.get(name=city)
        unit = Unit.objects.filter(region=region, name=unit_name).first() if unit_name else None
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = display
        user.role, user.region, user.unit = role, region, unit
        user.is_staff = role == User.Role.COORDINATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        created.append((username, user.get_role_display(), f"{city} {unit_name or ''}".strip()))
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DEMO_PASSWORD, first_name="系统管理员")
    created.append(("admin", "系统管理员", "全部"))
    return created


SIMULATION_SEED = 2024


def simulate_reports(plans: list[Plan]) -> None:
    """Reports up to September of each plan's year, so every progress page has something to show.

    A plan that already has reports keeps them: preparing the demo twice simulates once.
    """
    for plan in plans:
        if not Report.objects.filter(period__plan=plan).exists():
            simulate_plan(plan, (plan.year, 9), SIMULATION_SEED)


@transaction.atomic
def prepare(simulate: bool = True) -> list[tuple[str, str, str]]:
    """Everything the demo needs; ``simulate=False`` leaves the reports empty (the tests' baseline)."""
    seed_calendar()
    seed_regions()
    seed_units()
    plans = load_seed_plans()
    for plan in plans:
        plan.status = Plan.Status.PUBLISHED
        plan.save(update_fields=["status"])
        # Located sites inside the plan's districts, for the map (generated, the same every run).
        seed_demo_sites(plan)
    accounts = create_accounts()
    # After the accounts, so the demo's liaison and coordinators appear in the reports' history.
    if simulate:
        simulate_reports(plans)
    prepare_appeals()
    return accounts
