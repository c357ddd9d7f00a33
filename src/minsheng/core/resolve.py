"""Match names printed in documents to known regions, units and people.

An unknown name creates a record marked ``needs_review`` rather than being merged into a
near match: a coordinator decides whether 市卫健委 and 市卫生健康委员会 are one unit.
"""

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
    """Resolves unit names within a region, including its short names and aliases."""

    def __init__(self, region: Region):
        self.region = region
        self.by_name: dict[str, Unit] = {}
        for unit in Unit.objects.filter(region=region):
            for n in unit.all_names():
                self.by_name.setdefault(n, unit)

    def __call__(self, name: str) -> Unit:
        unit = self.by_name.get(name)
        if unit is None:
            kind = Unit.Kind.GOVERNMENT if name.endswith(("政府", "人民政府", "管委会")) else Unit.Kind.DEPARTMENT
            unit = Unit.objects.create(name=name, region=self.region, kind=kind, needs_review=True)
            self.by_name[name] = unit
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
