"""Match names printed in documents to known regions, units and people.

An unknown name creates a record marked ``needs_review`` rather than being merged into a
near match: a coordinator decides whether 市卫健委 and 市卫生健康委员会 are one unit.
"""

from minsheng.core.collective import Collective, covers, government_name, parse_collective, region_kind
from minsheng.core.models import Person, Region, Unit

_LEVEL_SUFFIXES = [
    ("省", Region.Level.PROVINCE),
    ("自治区", Region.Level.PROVINCE),
    ("市", Region.Level.CITY),
    ("区", Region.Level.COUNTY),
    ("县", Region.Level.COUNTY),
    ("镇", Region.Level.TOWN),
    ("街道", Region.Level.TOWN),
    ("乡", Region.Level.TOWN),
]


def guess_level(name: str) -> str:
    for suffix, level in _LEVEL_SUFFIXES:
        if name.endswith(suffix):
            return level
    return Region.Level.OTHER


def _names(obj) -> set[str]:
    return {obj.name, *obj.aliases} - {""}


def find_region(name: str, within: Region | None = None) -> Region | None:
    candidates = Region.objects.all()
    if within is not None:
        candidates = candidates.filter(id__in=within.descendant_ids())
    exact = [r for r in candidates.filter(name=name)]
    if exact:
        return exact[0]
    for region in candidates.exclude(aliases=[]):
        if name in _names(region):
            return region
    return None


def resolve_region(name: str) -> Region:
    region = find_region(name)
    if region is None:
        region = Region.objects.create(name=name, level=guess_level(name), needs_review=True)
    return region


class ChildRegionResolver:
    """Resolves district names of a decomposition table below the plan's region."""

    def __init__(self, parent: Region):
        self.parent = parent
        self.by_name: dict[str, Region] = {}
        for region in Region.objects.filter(id__in=parent.descendant_ids()).exclude(pk=parent.pk):
            for n in _names(region):
                self.by_name.setdefault(n, region)

    def __call__(self, name: str) -> Region:
        region = self.by_name.get(name)
        if region is None:
            region = Region.objects.create(
                name=name, parent=self.parent, level=guess_level(name), needs_review=True
            )
            self.by_name[name] = region
        return region


class UnitResolver:
    """Resolves unit names within a region, including its short names and aliases.

    The governments of the regions below count as names of the region too: a plan that prints
    上城区人民政府 means the district's own government, not a new unit of the city.
    """

    def __init__(self, region: Region):
        self.region = region
        self.by_name: dict[str, Unit] = {}
        for unit in Unit.objects.filter(region=region):
            for n in unit.all_names():
                self.by_name.setdefault(n, unit)
        for unit in Unit.objects.filter(region__parent=region, kind=Unit.Kind.GOVERNMENT):
            for n in unit.all_names():
                self.by_name.setdefault(n, unit)

    def __call__(self, name: str) -> Unit:
        unit = self.by_name.get(name)
        if unit is None:
            kind = Unit.Kind.GOVERNMENT if name.endswith(("政府", "人民政府", "管委会")) else Unit.Kind.DEPARTMENT
            unit = Unit.objects.create(name=name, region=self.region, kind=kind, needs_review=True)
            self.by_name[name] = unit
        return unit

    def find(self, name: str) -> Unit | None:
        return self.by_name.get(name)

    def collective(self, name: str) -> Unit:
        """The flagged stand-in for a collective name that could not be expanded."""
        unit = self.by_name.get(name)
        if unit is None:
            unit = Unit.objects.create(name=name, region=self.region, kind=Unit.Kind.COLLECTIVE, needs_review=True)
            self.by_name[name] = unit
        elif unit.kind != Unit.Kind.COLLECTIVE:
            # Imported before collective names were recognised: it was never a unit of its own.
            unit.kind, unit.needs_review = Unit.Kind.COLLECTIVE, True
            unit.save(update_fields=["kind", "needs_review"])
        return unit


def member_regions(region: Region, collective: Collective, allocated: set[int] | None = None) -> list[Region]:
    """The regions whose governments a collective name stands for, in the tree's order.

    District-level names (各区、县(市)政府) cover the region's direct children; town-level ones
    (各镇街) cover the towns below it. 相关/有关 keeps only those the allocation table names
    (``allocated``: region ids), and names none when there is no table to say which.
    """
    if not collective.governments:
        return []
    if collective.towns:
        candidates = Region.objects.filter(id__in=region.descendant_ids(), level=Region.Level.TOWN)
    else:
        candidates = Region.objects.filter(parent=region).exclude(level=Region.Level.TOWN)
    members = [r for r in candidates.order_by("id") if covers(collective, r.name)]
    if collective.related:
        members = [r for r in members if r.pk in (allocated or set())]
    return members


class CollectiveResolver:
    """Expands collective names into the government units of the member regions.

    A member region without a government unit gets one (``XX区人民政府``, not ``needs_review``:
    the region tree vouches for it). A unit of that name already filed under the plan's own
    region (杭州西湖风景名胜区管委会) is that government and is used as it is.
    """

    def __init__(self, region: Region, units: UnitResolver):
        self.region = region
        self.units = units
        self.governments: dict[int, Unit] = {}
        for unit in Unit.objects.filter(region__in=Region.objects.filter(id__in=region.descendant_ids()),
                                        kind=Unit.Kind.GOVERNMENT).order_by("id"):
            self.governments.setdefault(unit.region_id, unit)

    def expand(self, name: str, allocated: set[int]) -> list[Unit] | None:
        """The member governments; [] for a collective nothing here can expand; None for a plain name."""
        collective = parse_collective(name)
        if collective is None:
            return None
        return [self.government(r) for r in member_regions(self.region, collective, allocated)]

    def government(self, region: Region) -> Unit:
        unit = self.governments.get(region.pk)
        if unit is None:
            name = government_name(region.name)
            unit = Unit.objects.filter(region=region, name=name).first()
            if unit is None and region_kind(region.name) == "zone":
                unit = self.units.find(name)
            if unit is None:
                unit = Unit.objects.create(name=name, region=region, kind=Unit.Kind.GOVERNMENT)
            self.governments[region.pk] = unit
            # The same government printed by its own name later in the plan is this unit.
            for n in unit.all_names():
                self.units.by_name.setdefault(n, unit)
        return unit


class PersonResolver:
    def __init__(self, region: Region):
        self.region = region
        self.by_name = {p.name: p for p in Person.objects.filter(region=region)}

    def __call__(self, name: str) -> Person:
        person = self.by_name.get(name)
        if person is None:
            person = Person.objects.create(name=name, region=self.region)
            self.by_name[name] = person
        return person
