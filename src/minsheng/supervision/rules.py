"""Plain rules of rectification: when a finding's deadline falls and how far an overdue one escalates.

Counted in working days on the State Council calendar (``core.workdays.WorkCalendar``): a deadline
on a holiday moves to the next working day, and lateness is the working days past it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import IntEnum

from minsheng.core.workdays import WorkCalendar

# Working days overdue at which an item climbs a level.
ESCALATE_TO_LEADER_AFTER = 5
ESCALATE_TO_NOTICE_AFTER = 10


class Level(IntEnum):
    NOT_DUE = 0
    OVERDUE = 1  # remind the responsible unit
    LEADER = 2  # report to the leader in charge (分管领导)
    NOTICE = 3  # name it in the notice and consider flagged supervision


LEVEL_LABELS = {
    Level.NOT_DUE: "未到期",
    Level.OVERDUE: "已超期",
    Level.LEADER: "超期，报分管领导",
    Level.NOTICE: "严重超期，通报并建议挂牌督办",
}


@dataclass(frozen=True)
class Escalation:
    level: Level
    workdays_overdue: int
    due: datetime.date

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


def effective_deadline(deadline: datetime.date, calendar: WorkCalendar) -> datetime.date:
    return calendar.next_workday(deadline)


def escalation(deadline: datetime.date, today: datetime.date, calendar: WorkCalendar) -> Escalation:
    """How far an open item is past its deadline on ``today``."""
    due = effective_deadline(deadline, calendar)
    if today <= due:
        return Escalation(Level.NOT_DUE, 0, due)
    late = calendar.workdays_between(due, today)
    if late > ESCALATE_TO_NOTICE_AFTER:
        level = Level.NOTICE
    elif late > ESCALATE_TO_LEADER_AFTER:
        level = Level.LEADER
    else:
        level = Level.OVERDUE
    return Escalation(level, late, due)


def closed_on_time(deadline: datetime.date, closed_on: datetime.date, calendar: WorkCalendar) -> bool:
    return closed_on <= effective_deadline(deadline, calendar)
