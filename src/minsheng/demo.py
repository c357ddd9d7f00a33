"""The demo: regions of the seed governments, the five seed documents imported, accounts for every role."""

import datetime
import json
from pathlib import Path

from django.db import transaction

from minsheng.appeals.demo import prepare as prepare_appeals
from minsheng.core.calendar import seed_calendar, work_calendar
from minsheng.core.models import Region, Unit, User
from minsheng.core.plan_settings import plan_setting
from minsheng.core.resolve import guess_level
from minsheng.demo_clock import shift_document
from minsheng.ingest.api import import_file
from minsheng.maps.services import seed_demo_sites
from minsheng.plans.models import Plan
from minsheng.plans.services import load_plan_document
from minsheng.progress.models import Report
from minsheng.progress.periods import last_closed_month
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


def load_seed_plans(year: int | None = None) -> list[Plan]:
    """Import the five real documents the way a coordinator would, through the importer; with
    ``year``, each plan is moved to that year first (dates, deadlines, milestones by whole years)."""
    plans = []
    for path in sorted((DATA / "seeds").glob("*.txt")):
        document = import_file(path)
        if year is not None:
            document = shift_document(document, year - document["plan"]["year"])
        plans.append(load_plan_document(document).plan)
    return plans


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


def simulate_reports(plans: list[Plan], as_of: datetime.date | None = None) -> None:
    """Reports up to the last period closed on ``as_of`` (without it: up to September of each
    plan's year), so every progress page has something to show.

    A plan that already has reports keeps them: preparing the demo twice simulates once.
    """
    work = work_calendar()
    for plan in plans:
        if Report.objects.filter(period__plan=plan).exists():
            continue
        if as_of is None:
            until = (plan.year, 9)
        else:
            until = last_closed_month(plan.year, as_of, plan_setting(plan, "reporting_day"), work)
        if until is not None:
            simulate_plan(plan, until, SIMULATION_SEED)


@transaction.atomic
def prepare(simulate: bool = True, as_of: datetime.date | None = None) -> list[tuple[str, str, str]]:
    """Everything the demo needs; ``simulate=False`` leaves the reports empty (the tests' baseline).

    ``as_of`` is the demo's today: the seed plans move to its year and are simulated up to the last
    period closed on it, the appeals up to it. Without it the documents keep their own year.
    """
    seed_calendar()
    seed_regions()
    seed_units()
    plans = load_seed_plans(as_of.year if as_of else None)
    for plan in plans:
        plan.status = Plan.Status.PUBLISHED
        plan.save(update_fields=["status"])
        # Located sites inside the plan's districts, for the map (generated, the same every run).
        seed_demo_sites(plan)
    accounts = create_accounts()
    # After the accounts, so the demo's liaison and coordinators appear in the reports' history.
    if simulate:
        simulate_reports(plans, as_of)
    prepare_appeals(as_of)
    return accounts
