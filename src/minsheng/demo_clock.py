"""Moving the seed plans to the demo's year, so what a newcomer sees (overdue reports, reminders,
appeal clocks) is live on the day they open it.

Plain functions on the ``minsheng.plan/1`` document: every date moves by whole years (29 February
becomes the 28th), the plan's year moves with them, and the years printed in the text (the title,
the 文号 〔2024〕) move too, so the document still reads as one year's plan. Deadlines that land on a
day off are moved to the next working day by the calendar rules wherever they are used, as for any plan.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# A year as the documents print it: 2024年, 〔2024〕, [2024]; not a figure such as 20240 or 12024.
_PRINTED_YEAR = re.compile(r"(?<!\d)(20\d\d)(?=年|〕|\])")


def shift_date(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _shift_text(text: str, years: int) -> str:
    match = _ISO_DATE.match(text)
    if match:
        try:
            day = datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            return text
        return shift_date(day, years).isoformat()
    return _PRINTED_YEAR.sub(lambda m: str(int(m.group(1)) + years), text)


def shift_document(value: Any, years: int) -> Any:
    """A copy of a plan document (or any part of it) moved by ``years`` whole years."""
    if years == 0:
        return value
    if isinstance(value, dict):
        return {k: (v + years if k == "year" and isinstance(v, int) else shift_document(v, years))
                for k, v in value.items()}
    if isinstance(value, list):
        return [shift_document(v, years) for v in value]
    if isinstance(value, str):
        return _shift_text(value, years)
    return value
