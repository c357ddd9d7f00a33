"""报送及时率: each unit's reports owed, filed and filed on time, over one declared window.

The window is the plan year's months from January through the last month closed on the day the
figures are read (``PlanProgress.closed_period``: its due date by the reporting-day rule has
passed). The same window decides which reports a lead unit owed and never filed
(``PlanProgress.missed_by_unit``), so a report is never owed without being counted when it is
filed, nor counted without being owed. The notice reads it on the day after its period's due
date; the assessment on its own date.

Rate = filed on time ÷ owed, where owed = filed + owed and never filed. "Filed" is a report in a
reported state (``report_states.REPORTED``); "on time" is filed by its period's due date.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from minsheng.progress.models import Report
from minsheng.progress.report_states import REPORTED
from minsheng.progress.selectors import PlanProgress


@dataclass(frozen=True)
class UnitPunctuality:
    unit_id: int
    name: str | None  # the unit's short name (else full name); None when it filed nothing
    submitted: int = 0  # filed, for a month of the window
    on_time: int = 0
    missed: int = 0  # owed by a lead unit and never filed

    @property
    def owed(self) -> int:
        return self.submitted + self.missed

    @property
    def rate(self) -> float | None:
        """Percent on time of owed, unrounded; None when nothing was owed."""
        return 100 * self.on_time / self.owed if self.owed else None


def by_unit(progress: PlanProgress) -> dict[int, UnitPunctuality]:
    """Every unit that filed or owed a report in the window, by unit id (one query)."""
    closed = progress.closed_period
    if closed is None:
        return {}
    missed = progress.missed_by_unit()
    rows = (
        Report.objects.filter(project__plan=progress.plan, state__in=REPORTED, period__year=closed[0],
                              period__month__lte=closed[1])
        .values("unit_id", "unit__name", "unit__short_name")
        .annotate(submitted=Count("id"), on_time=Count("id", filter=Q(late=False)))
        .order_by("unit_id")
    )
    out = {r["unit_id"]: UnitPunctuality(r["unit_id"], r["unit__short_name"] or r["unit__name"], r["submitted"],
                                         r["on_time"], missed.get(r["unit_id"], 0)) for r in rows}
    for unit_id, n in missed.items():
        out.setdefault(unit_id, UnitPunctuality(unit_id, None, missed=n))
    return out
