"""Reading a plan back out as a minsheng.plan/1 document."""

from decimal import Decimal

from django.db.models import Prefetch

from minsheng.core.plan_settings import declaration, plan_setting, stored_settings, to_json
from minsheng.plans.models import Plan, ProjectLeader, ProjectUnit
from minsheng.plans.services import DOCUMENT_RULES

SCHEMA = "minsheng.plan/1"


def number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: str) -> str | None:
    return value or None


def _date(value) -> str | None:
    return value.isoformat() if value else None


def printed_labels(links, role: str) -> list[str]:
    """The unit names as the document printed them: a collective name once, not once per member."""
    out, seen = [], set()
    for link in links:
        if link.role != role:
            continue
        if link.collective:
            if (link.position, link.label) in seen:
                continue
            seen.add((link.position, link.label))
        out.append(link.label)
    return out


def document_rules(plan: Plan) -> dict:
    """The working rules as the plan holds them now: those the document gave, and any set apart from the defaults."""
    given = stored_settings(plan).get("from_document") or {}
    values = {k: plan_setting(plan, k) for k in DOCUMENT_RULES}
    return {k: to_json(v) for k, v in values.items()
            if v not in (None, "", []) and (k in given or v != declaration(k).default)}


def export_plan(plan: Plan) -> dict:
    projects = (
        plan.projects.filter(implied=False)  # implied parents are ours, not the document's
        .select_related("category", "funding")
        .prefetch_related(
            Prefetch("unit_links", queryset=ProjectUnit.objects.order_by("position", "id")),
            Prefetch("leader_links", queryset=ProjectLeader.objects.select_related("person").order_by("position")),
            "targets",
            "milestones",
            "allocations",
        )
        .order_by("position", "id")
    )
    out = []
    for p in projects:
        target_index = {t.pk: i for i, t in enumerate(p.targets.all())}
        funding = getattr(p, "funding", None)
        out.append(
            {
                "section": _text(p.section),
                "ref": _text(p.ref),
                "category": p.category.name if p.category else None,
                "name": p.name,
                "content": _text(p.content),
                "lead_units": printed_labels(p.unit_links.all(), ProjectUnit.Role.LEAD),
                "partner_units": printed_labels(p.unit_links.all(), ProjectUnit.Role.PARTNER),
                "leaders": [x.person.name for x in p.leader_links.all() if x.role == ProjectLeader.Role.LEADER],
                "unit_leaders": [
                    x.person.name for x in p.leader_links.all() if x.role == ProjectLeader.Role.UNIT_LEADER
                ],
                "deadline": _date(p.deadline),
                "kind": _text(p.kind),
                "targets": [{"value": number(t.value), "unit": _text(t.unit), "op": t.op} for t in p.targets.all()],
                "milestones": [
                    {
                        "due": _date(m.due),
                        "percent": number(m.percent),
                        "value": number(m.value),
                        "cumulative": m.cumulative,
                        "target": target_index.get(m.target_id),
                    }
                    for m in p.milestones.all()
                ],
                "allocations": [
                    {
                        "region": a.label,
                        "value": number(a.value),
                        "unit": _text(a.unit),
                        "target": target_index.get(a.target_id),
                    }
                    for a in p.allocations.all()
                ],
                "funding": None
                if funding is None
                else {
                    "unit": _text(funding.unit),
                    "total": number(funding.total),
                    "annual": number(funding.annual),
                    "superior": number(funding.superior),
                    "local": number(funding.local),
                    "social": number(funding.social),
                    "self": number(funding.self_raised),
                },
            }
        )
    return {
        "schema": SCHEMA,
        "source": plan.source_file or None,
        "plan": {
            "title": plan.title,
            "issuer": _text(plan.issuer),
            "doc_number": _text(plan.doc_number),
            "year": plan.year,
            "issued_on": _date(plan.issued_on),
            "region": plan.region_label or plan.region.name,
            **({"settings": rules} if (rules := document_rules(plan)) else {}),
        },
        "projects": out,
    }
