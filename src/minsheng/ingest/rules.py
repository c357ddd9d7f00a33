"""The document's own working rules, read from its text: reporting deadline, notice cadence, pace.

``各牵头单位每月3日前将工作进展报市发改委`` → reports due on the 3rd of the next month;
``月底前报送至市发展改革委`` → due by the end of the month reported on; ``每季度向全市通报`` →
quarterly notices; ``半年度完成全年目标的60%`` → 60% expected by 30 June. What the text does not
say is left out, so the plan keeps its defaults. Plain functions, no ORM.
"""

from __future__ import annotations

import re

MONTH_END = 0  # the reporting day meaning "by the end of the month reported on" (progress.periods)

# A monthly report deadline: 每月3日前…报, 每月5号前报送, 次月3日前报送.
_REPORTING_DAY = re.compile(r"(?:每月|次月|下月)(\d{1,2})[日号](?:前|以前|之前)[^。；;]{0,30}?报")
# Due at the month's end: 月底前报送, 每月底前报, 每月末报送.
# Not 11月底前报送 (a date) nor 年底前报送 (the year's end).
_MONTH_END = re.compile(r"(?<![0-9一二三四五六七八九十])月(?:底|末)(?:前|以前|之前)?[^。；;，,]{0,4}?报送"
                        r"|每月(?:底|末)(?:前)?[^。；;]{0,20}?报")
_QUARTERLY = re.compile(r"每(?:个)?季度[^。；;]{0,12}?通报|按季度?通报|季度通报")
_MONTHLY = re.compile(r"每(?:个)?月[^。；;]{0,12}?通报|按月通报")
# 半年度完成全年目标的60%, 上半年完成年度任务的60%以上, 6月底前完成全年任务的60%.
_HALF_YEAR = re.compile(
    r"(?:上半年|半年度?|年中|6月底(?:前)?)[^。；;]{0,4}?完成(?:全年|年度)?(?:目标)?(?:任务)?(?:量)?的?\s*(\d{1,3})\s*[%％]"
)
_TIME_HALF = re.compile(r"时间过半[、，,]?\s*任务过半")


def reporting_day(text: str) -> int | None:
    """The day of the next month reports are due, 0 for the month's end, None when the text says nothing."""
    m = _REPORTING_DAY.search(text)
    if m and 1 <= int(m.group(1)) <= 28:
        return int(m.group(1))
    if _MONTH_END.search(text):
        return MONTH_END
    return None


def notice_cadence(text: str) -> str | None:
    if _QUARTERLY.search(text):
        return "quarterly"
    if _MONTHLY.search(text):
        return "monthly"
    return None


def pace(text: str, year: int) -> list[dict]:
    """Document-wide pace rules as points on the expected curve (only the mid-year check so far)."""
    m = _HALF_YEAR.search(text)
    if m and 0 < int(m.group(1)) <= 100:
        return [{"due": f"{year}-06-30", "percent": int(m.group(1))}]
    if _TIME_HALF.search(text):
        return [{"due": f"{year}-06-30", "percent": 50}]
    return []


def plan_rules(text: str, year: int, deadline: str | None = None) -> dict:
    """The plan settings the document fixes; keys the text does not give are absent."""
    rules: dict = {}
    day = reporting_day(text)
    if day is not None:
        rules["reporting_day"] = day
    cadence = notice_cadence(text)
    if cadence:
        rules["notice_cadence"] = cadence
    points = pace(text, year) if year else []
    if points:
        rules["pace"] = points
    if deadline:
        rules["deadline"] = deadline
    return rules
