"""Deadlines and milestones in plan text (rules: ``docs/plan-schema.md``).

* :func:`parse_deadline` - a 完成时限 such as ``11月底`` or ``2023年7月`` as an ISO date;
* :func:`parse_milestones` - a free-text 进度安排 (``3月底前…；6月底前…``, ``一季度：…``,
  ``1月-3月…``) as milestone dicts ``{"due", "percent", "value", "cumulative", "target"}``;
* :func:`parse_schedule_cells` - the same for tables with one column per period.

A schedule is cut into *steps* at its date markers; every step gives at least one milestone
(``due`` only when it states no progress). A step's figures are matched to the item's
targets (by unit, then by the words around them), its percentages become ``percent``, and
phrases like 全面完成/基本完成 mean 100 %. Where the schema is silent, the rule chosen is
documented next to the code that applies it.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from minsheng.core.numerals import chinese_int
from minsheng.ingest.quantities import Quantity, find_quantities, unit_key, units_compatible

__all__ = ["parse_deadline", "parse_milestones", "parse_schedule_cells"]

# --- dates --------------------------------------------------------------------------------

_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_NOT_MONTH_WORD = r"(?!度|报|薪|卡|票|均|刊|子|饼|光|亮|台|历)"

_MARKER_RE = re.compile(
    r"(?P<year>(?:(?P<y>20\d{2}|19\d{2})|(?P<yw>今|明|次|当))年(?:[ \t]*[:][ \t]*)?)?"
    r"(?:"
    r"(?P<q>第?(?P<q1>[一二三四1-4])(?:[ \t]*[、,和及至到-][ \t]*第?(?P<q2>[一二三四1-4]))?个?季度(?:末|底)?(?:前)?)"
    r"|(?P<half>上半年|下半年|年中|年底|年末|年内|全年)(?P<halfsfx>前|底前|末前)?"
    r"|(?P<r1>" + _M + r")(?:月份?(?:初|上旬|中旬|下旬|底)?)?[ \t]*(?:-|—|–|~|至|到)[ \t]*"
    r"(?P<r2>" + _M + r")月" + _NOT_MONTH_WORD + r"份?(?P<rsfx>底前|底|末前|末|前|中旬|上旬|下旬)?"
    r"|(?P<dm>" + _M + r")月(?P<dd>[0-3]?\d)[日号](?P<dsfx>前)?"
    r"|(?P<mm>"
    + _M
    + r")月"
    + _NOT_MONTH_WORD
    + r"(?P<msfx>底前|底|末前|末|份前|份|前|中下旬|中旬前|中旬|上中旬|上旬前|上旬|下旬前|下旬|初)?"
    r")"
)
_YEAR_END_RE = re.compile(r"(?P<y>20\d{2}|19\d{2})年(?P<sfx>底|末|内|度)?(?![ \t]*" + _M + r"月)")
_YEAR_WORD_AS_DATE = re.compile(r"[ \t]*(?:$|[,;。!?\n)]|完成|完工|建成|实施|内)")
_ISO_RE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-/.](1[0-2]|0?[1-9])(?:[-/.]([0-3]?\d))?(?!\d)")
# A date that opens a period (从7月份起, 2024年7月1日起执行) is no deadline.
_START_AFTER = re.compile(r"^[ \t]*(?:起|开始|以来|以后|之后|后(?!续))")
_START_BEFORE = re.compile(r"(?:从|自)$")
# A bare month (3月, 9月) counts only where a step can begin, not inside a sentence
# (需待11月晚稻收割后 is background, not a step).
_STEP_OPENER_CHARS = frozenset(";。,:!?\n \t、")
_STEP_OPENER_WORDS = ("于", "在", "到", "确保", "力争", "争取", "预计", "计划")


def _opens_step(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in _STEP_OPENER_CHARS or text[max(0, pos - 2) : pos].endswith(_STEP_OPENER_WORDS)


@dataclass
class _Marker:
    start: int
    end: int
    due: date
    kind: str  # "quarter" | "half" | "range" | "day" | "month"
    first_month: int = 0  # for quarters and ranges: the first month of the period


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _day_in_month(y: int, m: int, sfx: str | None) -> date:
    sfx = (sfx or "").rstrip("前")
    if sfx in ("中旬", "上中旬"):
        return date(y, m, 20)
    if sfx == "上旬" or sfx == "初":
        return date(y, m, 10)
    return _month_end(y, m)


def _marker_from(m: re.Match[str], year: int, text: str, anywhere: bool = False) -> _Marker | None:
    y = year
    if m.group("y"):
        y = int(m.group("y"))
    elif m.group("yw") in ("明", "次"):
        y = year + 1
    try:
        if m.group("q"):
            q1 = chinese_int(m.group("q1"))
            q2 = chinese_int(m.group("q2")) if m.group("q2") else q1
            return _Marker(m.start(), m.end(), _month_end(y, 3 * q2), "quarter", 3 * q1 - 2)
        if m.group("half"):
            h = m.group("half")
            if not m.group("halfsfx") and not m.group("year") and not anywhere and not _opens_step(text, m.start()):
                return None
            if h in ("上半年", "年中"):
                return _Marker(m.start(), m.end(), date(y, 6, 30), "half", 1)
            return _Marker(m.start(), m.end(), date(y, 12, 31), "half", 7 if h == "下半年" else 1)
        if m.group("r2"):
            m1, m2 = chinese_int(m.group("r1")), chinese_int(m.group("r2"))
            if m1 > m2:
                return None
            return _Marker(m.start(), m.end(), _day_in_month(y, m2, m.group("rsfx")), "range", m1)
        if m.group("dm"):
            mo, d = chinese_int(m.group("dm")), int(m.group("dd"))
            return _Marker(m.start(), m.end(), date(y, mo, d), "day", mo)
        if m.group("mm"):
            mo = chinese_int(m.group("mm"))
            sfx = m.group("msfx")
            if not sfx and not m.group("year") and not anywhere and not _opens_step(text, m.start()):
                return None
            return _Marker(m.start(), m.end(), _day_in_month(y, mo, sfx), "month", mo)
    except (ValueError, KeyError):
        return None
    return None


def _markers(text: str, year: int) -> list[_Marker]:
    out = []
    for m in _MARKER_RE.finditer(text):
        before = text[max(0, m.start() - 2) : m.start()]
        # a digit run glued to the month (12345月), a count (6个月) or every quarter (每一季度)
        if before[-1:].isdigit() or before[-1:] in ("个", "每", "各", "逐"):
            continue
        if _START_AFTER.match(text[m.end() : m.end() + 8]) or _START_BEFORE.search(before):
            continue
        mk = _marker_from(m, year, text)
        if mk is not None:
            out.append(mk)
    return out


def parse_deadline(text: str, year: int) -> str | None:
    """A completion deadline as ``YYYY-MM-DD``, or None when the text gives no date.

    ``11月底`` -> the last day of November of ``year``; ``2023年底`` -> 2023-12-31;
    ``2023年7月`` -> 2023-07-31; ``9月份`` -> 09-30; ``5月18日`` -> 05-18; ``年底``/``全年``
    -> 12-31; ``三季度`` -> 09-30; ``上半年`` -> 06-30; ``4月-8月`` -> 08-31. When several
    dates are given (``6月底前完成主体，11月底前竣工``) the latest is the deadline.
    """
    if not text:
        return None
    found: list[date] = []
    for m in _MARKER_RE.finditer(text):
        before = text[max(0, m.start() - 1) : m.start()]
        if before.isdigit() or before in ("个", "每", "各"):
            continue
        # 全年/年内 name a date only on their own or before 前/内/完成 (not 全年目标的60%)
        if (
            m.group("half") in ("全年", "年内")
            and not m.group("halfsfx")
            and not _YEAR_WORD_AS_DATE.match(text[m.end() : m.end() + 8])
        ):
            continue
        # in a deadline cell any month is a date, even without 底/前
        mk = _marker_from(m, year, text, anywhere=True)
        if mk is not None:
            found.append(mk.due)
    for m in _ISO_RE.finditer(text):
        try:
            y, mo = int(m.group(1)), int(m.group(2))
            found.append(date(y, mo, int(m.group(3))) if m.group(3) else _month_end(y, mo))
        except ValueError:
            continue
    if not found:
        for m in _YEAR_END_RE.finditer(text):
            found.append(date(int(m.group("y")), 12, 31))
    return max(found).isoformat() if found else None


# --- progress -----------------------------------------------------------------------------

# Completion of the whole task (percent 100). 基本完成 counts as done (plan-schema.md).
_FULL_RE = re.compile(
    r"(?:全面|全部|基本|圆满|如期|按期|按时|保质保量|确保)完成"
    r"|完成(?:全部|所有|全年|年度|既定|各项)"
    r"|完成[^,;。]{0,16}?(?:目标任务|年度任务|全年任务|全部任务|所有任务|任务目标|全年目标|年度目标|目标值|建设任务)"
    r"|完成[^,;。]{0,16}?(?:创建|建设)工作"
    r"|(?:所有|全部)[^,;。]{0,10}?(?:完工|竣工|建成|完成)"
)
_HALF_RE = re.compile(r"任务过半|完成过半|过半任务")
# A pace is not a figure (平均每月1000余场).
_PACE_BEFORE = re.compile(r"平均每(?:月|周|天|日|季度?|年)[^,;。]{0,12}$")
# A figure per period is that period's own share.
_PER_PERIOD_BEFORE = re.compile(r"每(?:月|周|天|日|季度?)[^,;。]{0,16}$")
_CUMULATIVE_BEFORE = re.compile(r"累计[^,;。]{0,16}$")
# 分为五个等级, 分三个阶段: kinds and phases, not amounts
_KIND_AFTER = re.compile(r"^(?:等级|档次|层级|层次|类别|方面|阶段|环节|维度|步骤|批次)")
# A percentage that states progress even when the target is itself a rate (进度的50%, 完成率60%).
_PROGRESS_PCT = re.compile(r"(?:进度|任务|工作量|工程量|计划|完成率|总量|总数)(?:的)?(?:达到|达)?$")
_COMPLETION_BEFORE = re.compile(r"(?:完成|完工|建成|竣工|实现|达到|达)[^,;。]{0,8}$")
_LABEL_RE = re.compile(r"\[([^\[\]]{1,60})\]")
# Wording that the whole item is done, strong enough to stand beside figures of the same step
# (完成800名托养服务。全面完成建设改造任务。) rather than name one sub-task (完成中医馆建设任务).
_STRONG_FULL_RE = re.compile(r"(?:全面|全部|圆满)完成")


@dataclass
class _Step:
    start: int  # where the step's own text begins (after its marker)
    end: int
    due: date
    kind: str
    first_month: int
    section: int | None  # target index named by a section label
    text: str = ""


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fffA-Za-z]", " ", s)
    out = set()
    for chunk in s.split():
        out.update(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return out


def _ctx(t: dict) -> str:
    return getattr(t, "context", "") or ""


def _label_target(label: str, targets: list[dict]) -> int | None:
    """Which target a section label (``[新开工保障房100万平方米]``, ``公共停车泊位：``) names."""
    if len(targets) < 2:
        return None
    qs = find_quantities(label)
    for q in qs:
        for i, t in enumerate(targets):
            if _same_value(q.value, t.get("value")) and unit_key(q.unit) == unit_key(str(t.get("unit", ""))):
                return i
    a = _bigrams(label)
    if not a:
        return None
    scores = [len(a & _bigrams(_ctx(t))) / len(a) for t in targets]
    best = max(scores)
    if best >= 0.6 and scores.count(best) == 1:
        return scores.index(best)
    return None


def _same_value(a: object, b: object) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-6  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _sections(text: str, targets: list[dict], markers: list[_Marker]) -> list[tuple[int, int, int | None]]:
    """Section labels as (start, end, target index): bracketed ``[…]`` anywhere, or a short
    line ending in ：/； before the dated steps (``公共停车泊位：``, ``农村道路提档升级;``)."""
    out: list[tuple[int, int, int | None]] = []
    for m in _LABEL_RE.finditer(text):
        out.append((m.start(), m.end(), _label_target(m.group(1), targets)))
    starts = [mk.start for mk in markers]
    for m in re.finditer(r"(?:^|\n)([^\n:;\[\]]{1,40}?)[ \t]*[:;]", text):
        s, e = m.start(1), m.end()
        if any(mk.start < e and mk.end > s for mk in markers):
            continue
        if any(a <= s < b for a, b, _ in out):
            continue
        # a label heads the dated steps after it…
        k = bisect_left(starts, e)
        if k == len(starts) or text[e : starts[k]].strip():
            continue
        # …and is not the first line of a step whose date stands alone (3月底前：\n完成10所；)
        if k > 0 and not text[markers[k - 1].end : s].strip(" \t\n:;"):
            continue
        out.append((s, e, _label_target(m.group(1), targets)))
    out.sort()
    return out


def _build_steps(text: str, year: int, targets: list[dict]) -> list[_Step]:
    markers = _markers(text, year)
    if not markers:
        return []
    sections = _sections(text, targets, markers)
    steps: list[_Step] = []
    cur: _Step | None = None
    for mk in markers:
        section = None
        boundary = False
        for s, e, idx in sections:
            if e <= mk.start:
                section = idx
                if cur is None or s >= cur.start:
                    boundary = True
        between = text[cur.start : mk.start] if cur else ""
        if cur is not None and not boundary:
            # a month inside a quarter's text refines that quarter (四季度：10月底前完成验收)
            if (
                cur.kind == "quarter"
                and mk.kind in ("month", "day", "range")
                and cur.first_month <= mk.due.month <= cur.due.month
                and mk.due.year == cur.due.year
            ):
                cur.due = mk.due
                continue
            # the same date again within one sentence is the same step (10月-11月…确保11月底前…)
            if mk.due == cur.due and not re.search(r"[;。\n]", between) and mk.kind != "quarter":
                continue
        cur = _Step(mk.end, len(text), mk.due, mk.kind, mk.first_month, section)
        if steps:
            steps[-1].end = mk.start
        steps.append(cur)
    # a step's text stops at the next section label
    for st in steps:
        for s, _e, _idx in sections:
            if st.start <= s < st.end:
                st.end = s
                break
        st.text = text[st.start : st.end]
    return steps


@dataclass
class _Figure:
    value: int | float
    unit: str
    target: int | None
    per_period: bool
    cumulative_word: bool
    completion: bool
    pos: int


def _candidates(q: Quantity, targets: list[dict]) -> list[int]:
    return [i for i, t in enumerate(targets) if units_compatible(q.unit, str(t.get("unit", "")))]


def _figure_context(sentence: str, qs: list[Quantity], i: int) -> str:
    """The words naming what a figure counts: those before it back to the previous figure,
    clause start or connective (和/及/与), and those after it up to the next figure or the
    clause end (开展3个优势学科培育和3个精品项目创建, 田间道路10千米)."""
    q = qs[i]
    start = qs[i - 1].end if i else 0
    cs = max(sentence.rfind(c, start, q.start) for c in ",;。、:和及与并") + 1
    end = qs[i + 1].start if i + 1 < len(qs) else len(sentence)
    ce = min([j for j in (sentence.find(c, q.end, end) for c in ",;。、") if j != -1] + [end])
    after = re.sub(r"^(?:以上|左右|以内|之上|余)", "", sentence[q.end : min(end, ce)])
    return sentence[max(start, cs) : q.start] + " " + after


_CERTAIN = 1000.0


def _target_scores(q: Quantity, ctx: str, targets: list[dict], section: int | None) -> list[tuple[float, int]]:
    """(score, target index) for every target a figure may measure; empty when none.

    A section label decides; a single target of a compatible unit is certain; otherwise the
    words the figure shares with each target's context, plus one for repeating the target's
    own amount, must reach 2 (维修10个镇街室外健身器材 measures none of 体育公园/小游园).
    Without contexts (plain dicts), the first target of the same unit is taken.
    """
    cands = _candidates(q, targets)
    if section is not None:
        return [(_CERTAIN, section)] if section in cands else []
    if len(cands) <= 1:
        return [(_CERTAIN, c) for c in cands]
    if not any(_ctx(targets[i]) for i in cands):
        exact = [i for i in cands if unit_key(q.unit) == unit_key(str(targets[i].get("unit", "")))]
        return [(_CERTAIN, (exact or cands)[0])]
    a = _bigrams(ctx)
    out = []
    for i in cands:
        score = len(a & _bigrams(_ctx(targets[i]))) + _same_value(q.value, targets[i].get("value"))
        if score >= 2:
            out.append((float(score), i))
    return out


def _rate_target(targets: list[dict]) -> int | None:
    rates = [i for i, t in enumerate(targets) if unit_key(str(t.get("unit", ""))) in ("%", "个百分点")]
    return rates[0] if len(rates) == 1 else None


def _step_milestones(step: _Step, targets: list[dict]) -> list[dict]:
    """The milestones of one step, in text order (``cumulative`` is settled later)."""
    multi = len(targets) >= 2
    section = step.section
    out: list[dict] = []
    percent_done = False
    sentences = [s for s in re.split(r"(?<=[。\n])", step.text) if s.strip()] or [step.text]
    for sentence in sentences:
        qs = [
            q
            for q in find_quantities(sentence)
            if not _PACE_BEFORE.search(sentence[max(0, q.start - 40) : q.start])
            and not _KIND_AFTER.match(sentence[q.end : q.end + 8])
        ]
        percent: int | float | None = None
        rate = _rate_target(targets)
        # (score, completed?, -position, figure, target): each figure measures at most one
        # target and each target gets at most one figure per step, best matches first
        pairs: list[tuple[float, bool, int, int, int]] = []
        for i, q in enumerate(qs):
            is_pct = unit_key(q.unit) == "%"
            progress = is_pct and bool(_PROGRESS_PCT.search(sentence[max(0, q.start - 12) : q.start]))
            if is_pct and (rate is None or progress or (section is not None and section != rate)):
                if percent is None:
                    percent = q.value
                continue
            done = bool(_COMPLETION_BEFORE.search(sentence[max(0, q.start - 40) : q.start]))
            if is_pct:
                scores = [(_CERTAIN, rate)] if rate is not None else []
            else:
                scores = _target_scores(q, _figure_context(sentence, qs, i), targets, section)
            pairs.extend((sc, done, -q.start, i, t) for sc, t in scores)
        pairs.sort(reverse=True)
        used_q: set[int] = set()
        used_t: set[int] = set()
        figures: list[_Figure] = []
        for _sc, _done, _pos, i, t in pairs:
            if i in used_q or t in used_t:
                continue
            used_q.add(i)
            used_t.add(t)
            q = qs[i]
            before = sentence[max(0, q.start - 40) : q.start]
            figures.append(
                _Figure(
                    q.value,
                    q.unit,
                    t,
                    bool(_PER_PERIOD_BEFORE.search(before)),
                    bool(_CUMULATIVE_BEFORE.search(before)),
                    bool(_COMPLETION_BEFORE.search(before)),
                    q.start,
                )
            )
        if figures:
            for f in sorted(figures, key=lambda f: f.pos):
                out.append(
                    {
                        "due": step.due.isoformat(),
                        "percent": None,
                        "value": f.value,
                        "cumulative": f,  # placeholder, resolved in _settle_cumulative
                        "target": f.target if multi else None,
                    }
                )
            continue
        if percent_done or (out and not _STRONG_FULL_RE.search(sentence)):
            continue
        if percent is None:
            if _HALF_RE.search(sentence):
                percent = 50
            elif _FULL_RE.search(sentence):
                percent = 100
        if percent is not None:
            percent_done = True
            out.append(
                {
                    "due": step.due.isoformat(),
                    "percent": percent,
                    "value": None,
                    "cumulative": True,
                    "target": section if multi else None,
                }
            )
    if not out:
        out.append(
            {
                "due": step.due.isoformat(),
                "percent": None,
                "value": None,
                "cumulative": None,
                "target": section if multi else None,
            }
        )
    for m in out:
        m["_kind"] = step.kind
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-6, 0.005 * abs(b))


def _settle_cumulative(ms: list[dict], targets: list[dict]) -> None:
    """Decide ``cumulative`` for figure milestones, per target series.

    True for 累计 figures and figures that climb to the target; False for each period's own
    share: a 每月 figure, or quarterly figures that add up to the target. A figure given for
    one quarter only (Q3：完成85间) is that quarter's share; a figure by a date (9月底前完成
    2000个) is the running total.
    """
    series: dict[int | None, list[dict]] = {}
    for m in ms:
        if isinstance(m["cumulative"], _Figure):
            series.setdefault(m["target"], []).append(m)
    for key, items in series.items():
        tidx = key if key is not None else (0 if len(targets) == 1 else None)
        tval = None
        if tidx is not None and tidx < len(targets):
            try:
                tval = float(targets[tidx].get("value"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                tval = None
        values = [float(m["value"]) for m in items]
        increasing = all(b > a for a, b in zip(values, values[1:], strict=False))
        climbs = len(values) >= 2 and increasing and tval is not None and _close(values[-1], tval)
        sums = tval is not None and _close(sum(values), tval)
        quarterly = all(m["_kind"] in ("quarter", "range") for m in items)
        if quarterly and len(values) >= 2 and tval is not None and all(_close(v, tval) for v in values):
            # the full amount repeated quarter after quarter (对8个镇街…, 完成8个镇街…) states
            # the item's scope, not progress
            for m in items:
                m["_drop"] = True
            continue
        for m in items:
            f: _Figure = m["cumulative"]
            if f.cumulative_word:
                m["cumulative"] = True
            elif f.per_period:
                m["cumulative"] = False
            elif climbs:
                m["cumulative"] = True
            elif quarterly:
                m["cumulative"] = not sums and len(values) >= 2 and increasing
            else:
                m["cumulative"] = not (sums and len(values) >= 2)


def _finish(steps: list[_Step], targets: list[dict]) -> list[dict]:
    out: list[dict] = []
    for step in steps:
        out.extend(_step_milestones(step, targets))
    _settle_cumulative(out, targets)
    kept: list[dict] = []
    for i, m in enumerate(out):
        if m.pop("_drop", False):
            # keep the step itself when nothing else of it remains
            near = out[max(0, i - 8) : i + 8]
            if not any(o["due"] == m["due"] and not o.get("_drop") for o in near if o is not m):
                kept.append({"due": m["due"], "percent": None, "value": None, "cumulative": None, "target": None})
            continue
        m.pop("_kind", None)
        kept.append(m)
    return kept


def parse_milestones(text: str, year: int, targets: list[dict]) -> list[dict]:
    """Milestones of a free-text schedule, in order.

    ``3月底前…；6月底前…`` / ``一季度：…二季度：…`` / ``1月-3月…`` each open a step; a month
    inside a quarter's text refines that quarter's date. ``[目标] …`` and ``小标题：`` lines
    name the target the following steps measure. Pass the item's targets as returned by
    :func:`~minsheng.ingest.quantities.extract_targets` (their ``context`` lets figures be
    matched to the right target).
    """
    if not text:
        return []
    targets = list(targets or [])
    return _finish(_build_steps(text, year, targets), targets)


_EMPTY_CELL = re.compile(r"^[\s\-—–/无]*$")


def parse_schedule_cells(cells: list[tuple[str, str]], year: int, targets: list[dict]) -> list[dict]:
    """Milestones of a table whose schedule has one column per period.

    ``cells`` is ``[(label, text), …]`` with the column header as label (``一季度``,
    ``第一季度``, ``3月底``, ``1-6月``); each non-empty cell is one step (a month in its text
    may refine a quarter's date). Empty and ``--`` cells are no step; a column whose header
    is no date is ignored.
    """
    targets = list(targets or [])
    steps: list[_Step] = []
    for label, cell in cells or []:
        label = (label or "").strip().rstrip(":")
        cell = (cell or "").strip()
        if not label or _EMPTY_CELL.match(cell) or not _markers(label, year):
            continue
        steps.extend(_build_steps(f"{label}:{cell}", year, targets))
    return _finish(steps, targets)
