"""Which report states count, and for what: one answer for every page, notice, score and reminder.

A report counts as *reported* (报送) once the unit has submitted it and until it is returned:
submitted, reviewed by the lead unit or accepted. That is what punctuality, reminders, a unit's
task list and a past year's last reporting round go by. Its figures are *in force* (the progress,
the status, the cockpit, the portal and the milestone checks) only once the coordinating office
has accepted them: a figure nobody has checked is never published or scored.
"""

from __future__ import annotations

from minsheng.progress.models import Report

REPORTED = (Report.State.SUBMITTED, Report.State.REVIEWED, Report.State.ACCEPTED)
IN_FORCE = Report.State.ACCEPTED


def is_reported(state: str) -> bool:
    return state in REPORTED


def in_force(state: str) -> bool:
    return state == IN_FORCE
