"""Numbers and quantified targets in plan text (rules: ``docs/plan-schema.md``).

Input is already simplified Chinese and NFKC-normalised (full-width digits and brackets are
ASCII). Two public functions:

* :func:`parse_number` - the first number in a string (``85.8万`` -> 858000,
  ``二十六万九千`` -> 269000);
* :func:`extract_targets` - every quantified deliverable in a text, in order, as
  ``{"value", "unit", "op"}`` dicts.

A quantity is a number followed by a unit from a closed vocabulary of measure words
(个 家 所 人次 公里 % 元 ...). A number with no such unit after it (years, 12345热线, 5G,
“十百千”) is never a target. On top of that, the rules where the schema is silent are
written next to the code that applies them; all are general (keyed to wording, never to a
particular project or government).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from minsheng.core.numerals import chinese_value

__all__ = ["Target", "extract_targets", "parse_number", "find_quantities", "Quantity"]


class Target(dict):
    """A target dict (``value``/``unit``/``op``) that also remembers where it came from.

    ``context`` is the stretch of text that names the deliverable (``新增180个公共停车泊位``).
    :mod:`minsheng.ingest.schedule` uses it to tell which target a schedule step measures.
    It is an attribute, not a key, so the dict serialises to exactly the schema's shape;
    callers that copy targets into plain dicts lose it and the schedule falls back to
    matching by unit.
    """

    context: str = ""


# --- numerals -----------------------------------------------------------------------------

_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
_MULTIPLIERS = {
    "万亿": Decimal(10) ** 12,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
    "百": Decimal(10) ** 2,
}

# An Arabic number with an optional 万/亿 multiplier, or a Chinese numeral. 千/百 after
# digits are multipliers except where they begin a unit (5千米, 千瓦, 百分点).
_NUMBER_RE = re.compile(
    r"(?P<ar>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)"
    r"(?:[ \t]?(?P<mul>万亿|千万|百万|亿|万|千(?![米克瓦伏帕卡])|百(?![分米]))(?![分]之))?"
    r"|(?P<cn>[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*)"
)


def _as_number(d: Decimal) -> int | float:
    """Ints where the value is whole (227, not 227.0)."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _match_value(m: re.Match[str]) -> int | float | None:
    if m.group("ar") is not None:
        try:
            d = Decimal(m.group("ar").replace(",", ""))
        except InvalidOperation:
            return None
        mul = m.group("mul")
        if mul:
            d *= _MULTIPLIERS[mul]
        return _as_number(d)
    return chinese_value(m.group("cn"))


def parse_number(text: str) -> float | None:
    """The first number in ``text``: Arabic or Chinese numerals with 万/亿 multipliers.

    ``85.8万`` -> 858000, ``二十六万九千`` -> 269000, ``1.1万个`` -> 11000, ``十`` -> 10;
    None when there is no number. Whole values come back as ``int``.
    """
    if not text:
        return None
    for m in _NUMBER_RE.finditer(text):
        v = _match_value(m)
        if v is not None:
            return v
    return None


# --- units --------------------------------------------------------------------------------


# Measure words that count or measure a deliverable. Deliberately absent: 年 月 日 天 周 小时
# 分钟 秒 (dates, durations), 岁 周岁 (ages), 级 星 届 类 价 代 号 线 批 (grades, ordinals,
# kinds, generic "一批"), 兆 (bandwidth that only describes a thing).
def _words(s: str) -> tuple[str, ...]:
    return tuple(s.split())


_PERSON_UNITS = _words("人次 人 名 位 户次 户")
_COUNT_UNITS = _words(
    "个 家 所 座 条 台 套 间 张 辆 部 处 场次 场 批次 班次 门次 辆次 架次 剂次 次 件 项 支 组 只 株 棵 根"
    " 门 堂 期 篇 本 册 份 例 盏 块 种 档 床位 床 宗 栋 幢 艘 架 课时 学时 把 对 片区 点位 站"
)
_MONEY_UNITS = ("美元", "欧元", "元")
_MEASURE_UNITS = _words(
    "个百分点 百分点 % ‰ 平方公里 平方千米 平方米 立方米 公里 千米 米 公顷 亩 吨 千克 公斤 千瓦时 千瓦 兆瓦 倍"
)
_UNITS = sorted(set(_PERSON_UNITS + _COUNT_UNITS + _MONEY_UNITS + _MEASURE_UNITS), key=len, reverse=True)
# 个 followed by one of these is one compound measure word (300个床位, 90个班次).
_GE_COMPOUNDS = ("床位", "班次", "批次", "场次", "课时", "学时")
_UNIT_RE = re.compile(
    r"[ \t]?(?P<approx>余|多|来)?[ \t]?"
    r"(?P<unit>个(?:" + "|".join(_GE_COMPOUNDS) + r")|" + "|".join(map(re.escape, _UNITS)) + r")"
    # a short bracketed alternative belongs to the unit: 套(间), 套(个)
    r"(?P<alt>\((?:"
    + "|".join(map(re.escape, _UNITS))
    + r")(?:[、/](?:"
    + "|".join(map(re.escape, _UNITS))
    + r"))*\))?"
)
_LENGTH_AREA = frozenset({"平方公里", "平方千米", "平方米", "立方米", "公里", "千米", "米", "公顷", "亩"})
_UNIT_ALIASES = {"千米": "公里", "公斤": "千克", "平方千米": "平方公里", "百分点": "个百分点"}

# The unit families a schedule step may measure a target in (57人 of 1057名 trained).
_PERSONS = frozenset(_PERSON_UNITS) - {"户", "户次"}
_SPECIFIC_COUNTS = frozenset(_COUNT_UNITS) - {"个"}


def unit_key(unit: str) -> str:
    """The unit without bracketed alternatives, with spelling variants folded."""
    u = re.sub(r"\([^)]*\)", "", unit or "").strip()
    return _UNIT_ALIASES.get(u, u)


def units_compatible(a: str, b: str) -> bool:
    """Whether a figure in unit ``a`` can measure a target in unit ``b``.

    Same unit; persons (人/名/人次/位) with each other; and the generic classifier 个 with
    any specific count word (85间 of 85个 梦想小屋), but not with measures or money.
    """
    a, b = unit_key(a), unit_key(b)
    if a == b:
        return True
    if a in _PERSONS and b in _PERSONS:
        return True
    if "个" in (a, b):
        other = b if a == "个" else a
        return other in _SPECIFIC_COUNTS
    return False


# --- context rules ------------------------------------------------------------------------

# Text whose numbers are names, not quantities: quotes and titles (“十百千”, 《三年行动》),
# and parenthesised asides ((1), (六个月), (主体基本完工)).
_MASK_RE = re.compile(r"“[^”]*”|‘[^’]*’|《[^》]*》|「[^」]*」|\"[^\"\n]*\"|\([^()]*\)|\[[^\[\]]*\]|【[^】]*】")
# A breakdown of a figure already given (新增学位2070个,其中幼儿园990个...) runs to the end
# of the sentence; its parts are not further targets.
_BREAKDOWN_RE = re.compile(r"其中[^。;\n]*")
# How far before/after a number its qualifiers (不少于, 以上, 由…提高到) are looked for.
_WINDOW = 40
_CLAUSE_END = ",;。:!?\n、"

_OP_LE_BEFORE = re.compile(
    r"(?:不超过|不高于|不多于|不大于|最高|最多|至多|控制在)[^,;。]{0,12}$|(?<!不)(?:低于|少于|小于|降至|降到|下降到)$"
)
_OP_GT_BEFORE = re.compile(r"(?<!不)(?:超过|超出|高于|多于|大于|超)$")
_OP_GE_BEFORE = re.compile(r"(?:不低于|不少于|至少|最少|最低)$")
# A standard or ratio raised to a new level is set exactly (报销比例提高到70%); an indicator
# raised to a level is a floor (覆盖率提高到90%, 亩均产值提升至570万元).
_STANDARD_RAISED = re.compile(
    r"(?:标准|比例|补助|补贴|待遇)[^,;。]{0,10}(?:提高到|提高至|提高为|上调至|上调到|调整到|增加到)(?:每人每月|每人每年|每人)?$"
)
_OP_EQ_BEFORE = re.compile(r"(?:调整为|调整到|调整至|统一为|确定为|定为|核定为)$")
# Money that sets a standard or a benefit level is exact: 每人每月100元, 提高到2747元,
# 人均提高20元/月·人, 标准为每人每年80元. (亩均产值提升至570万元 is a floor: 提升至 is the
# wording of performance indicators, not of standards.)
_MONEY_STANDARD = re.compile(r"每人|每户|每月|每年|每季|标准|提高|上调|调增")
_PERSON_RATE_AFTER = re.compile(r"^/(?:人|月|年|户|天|次)")
_AFTER_LE = re.compile(r"^(?:以内|以下|之内)")
_AFTER_GE = re.compile(r"^(?:以上|左右|之上|多|余)")

# 由/从 X 提高到 Y: X is the baseline, Y the target.
_BASELINE_BEFORE = re.compile(r"(?:由|从)[^,;。由从起]{0,16}$")
_BASELINE_AFTER = re.compile(r"^[^,;。]{0,12}?(?:提高|提升|增加|调整|扩大|上调|下降|降低|减少|降至|降到|增至|到|至|为)")

_NOT_AFTER_NUMBER = re.compile(
    r"^(?:[ \t]?(?:年|月|日|号|时|点|天|周|小时|分钟|秒|岁|周岁|届|级|星|类|价|代|后|前|线|型|维|寸|层|楼"
    r"|[A-Za-z]))"
)
_NOT_AFTER_GE = re.compile(r"(?:月|工作日|小时|季度|年|方面|阶段|环节|维度|步骤|等级|档次|层次|层级|类别|维度)")
_PAST_RE = re.compile(r"[\u4e00-\u9fff](?<![为除到])了(?![解结如])")
_RANGE_NEXT = re.compile(r"^[ \t]?(?:-|—|–|~|～|至|到)[ \t]?(?:\d|[一二两三四五六七八九十])")
_POLICY_NAME = re.compile(r"^(?:措施|意见|举措|条例|规定|政策|要求|建议|硬措施|实招|条意见)")
_RATE_SUFFIX = re.compile(r"^/(?:秒|s|小时|h|天|日|分钟)")
_SPEC_NEXT = re.compile(r"[ \t]?\d+(?:\.\d+)?[ \t]?(?:价|兆|M|G|K|寸|英寸|核|位数|寸屏)")
_SIZE_FOLLOW = re.compile(r"^(?:范围|半径|以内的|见方)")
# 建设一处占地50亩的体育公园: the size of something else
_SIZE_BEFORE = re.compile(r"(?:占地|占地面积|建筑面积|直径|半径|宽度?|高度?|深度?)(?:约|为|达)?$")
_IDIOM_ONE = re.compile(r"一[\u4e00-\u9fff]一[\u4e00-\u9fff]")
_IDIOM_REPEAT = re.compile(r"一([\u4e00-\u9fff])(?:接着|连着|又|再|跟着)一\1")
_ONE_UNITS = frozenset({"条", "座", "个", "家", "所", "处", "台", "套", "间", "辆", "部", "张", "名", "人"})
_ONE_BLOCKERS = ("统", "同", "唯", "进", "逐", "单", "万", "之", "其", "第", "某", "每")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class Quantity:
    """A number with its unit, as found in text (before any target/non-target decision)."""

    __slots__ = ("start", "end", "value", "unit", "number_end", "is_chinese", "approx")

    def __init__(
        self,
        start: int,
        end: int,
        value: int | float,
        unit: str,
        number_end: int,
        is_chinese: bool,
        approx: bool,
    ) -> None:
        self.start, self.end, self.value, self.unit = start, end, value, unit
        self.number_end, self.is_chinese, self.approx = number_end, is_chinese, approx

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Quantity({self.value!r}, {self.unit!r}, {self.start}:{self.end})"


def _masked_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _MASK_RE.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-a-unit in ``text`` that is not inside quotes or brackets.

    This is the shared scanner; :func:`extract_targets` then drops the ones that are not
    deliverables, and the schedule parser uses it for step figures.
    """
    out: list[Quantity] = []
    if not text:
        return out
    masked = _masked_spans(text)
    for m in _NUMBER_RE.finditer(text):
        start, nend = m.start(), m.end()
        if _inside(start, masked):
            continue
        is_cn = m.group("cn") is not None
        prev = text[start - 1] if start else ""
        # 第五届, PM2.5, 4.0版, HPV9: ordinals and codes
        if prev == "第" or prev.isascii() and (prev.isalpha() or prev in "._/-#"):
            continue
        # the digits of 万分之三 / 三分之一
        if text.startswith("分之", start - 2) if start >= 2 else False:
            continue
        rest = text[nend : nend + _WINDOW]
        if _NOT_AFTER_NUMBER.match(rest) or _RANGE_NEXT.match(rest):
            continue
        um = _UNIT_RE.match(rest)
        if not um:
            continue
        unit = um.group("unit")
        after = rest[um.end() :]
        # 6个月, 3个工作日: durations; 从3个方面, 分五个等级: aspects and grades, not amounts
        if unit == "个" and _NOT_AFTER_GE.match(after):
            continue
        value = _match_value(m)
        if value is None:
            continue
        if is_cn and not _chinese_quantity_ok(text, start, m.group("cn"), unit, after):
            continue
        out.append(
            Quantity(
                start,
                nend + um.end(),
                value,
                unit + (um.group("alt") or ""),
                nend,
                is_cn,
                bool(um.group("approx")),
            )
        )
    return out


def _chinese_quantity_ok(text: str, start: int, numeral: str, unit: str, after: str) -> bool:
    """Chinese numerals are mostly words, not quantities; keep only the clear counts.

    Rejected: phases (三期扩建, 军民中心村四期), adjectives (二次供水, 一次性), names built on a
    measure (二十一米河), policy packages (营商环境三十条措施), paired idioms (一村一品,
    一件接着一件), and 一 that is part of a word (统一, 进一步, 之一).
    """
    if unit == "期":
        return False
    if unit == "次" and after[:1] and _CJK.match(after[:1]):
        return False
    if unit in _LENGTH_AREA and after[:1] and _CJK.match(after[:1]):
        return False
    if unit in ("条", "项") and _POLICY_NAME.match(after):
        return False
    if numeral == "一":
        # 一 is mostly an article (一支队伍, 一站式, 一批); count it only with concrete things
        if unit not in _ONE_UNITS:
            return False
        prev = text[start - 1] if start else ""
        if prev in _ONE_BLOCKERS:
            return False
        window = text[max(0, start - 6) : start + 6]
        if _IDIOM_ONE.search(window[4:]) or _IDIOM_REPEAT.search(window):
            return False
    return True


@lru_cache(maxsize=64)
def _delimiters(text: str, ends: str) -> list[int]:
    return [i for i, c in enumerate(text) if c in ends]


def _clause_start(text: str, pos: int, ends: str = _CLAUSE_END) -> int:
    """Index just after the last delimiter before ``pos`` (0 when none)."""
    d = _delimiters(text, ends)
    k = bisect_left(d, pos)
    return d[k - 1] + 1 if k else 0


def _clause_end(text: str, pos: int, ends: str = _CLAUSE_END) -> int:
    """Index of the first delimiter at or after ``pos`` (the text's length when none)."""
    d = _delimiters(text, ends)
    k = bisect_left(d, pos)
    return d[k] if k < len(d) else len(text)


def _is_money(unit: str) -> bool:
    return unit_key(unit) in _MONEY_UNITS


def _op_for(text: str, q: Quantity) -> str:
    before = text[max(_clause_start(text, q.start, ",;。:!?\n"), q.start - _WINDOW) : q.start]
    after = text[q.end : q.end + _WINDOW]
    if _AFTER_LE.match(after) or _OP_LE_BEFORE.search(before):
        return "<="
    if _OP_GT_BEFORE.search(before):
        return ">"
    # an explicit floor wins over the wording of a standard (提高到不低于4200元)
    if _AFTER_GE.match(after) or _OP_GE_BEFORE.search(before):
        return ">="
    if _OP_EQ_BEFORE.search(before) or _STANDARD_RAISED.search(before):
        return "="
    if _is_money(q.unit) and (_MONEY_STANDARD.search(before) or _PERSON_RATE_AFTER.match(after)):
        return "="
    return ">="


def _descriptive(text: str, q: Quantity, others_after: bool) -> bool:
    """Sizes that only describe a thing rather than count deliverables."""
    after = text[q.end : q.end + _WINDOW]
    unit = unit_key(q.unit)
    # 3.6立方米/秒雨水泵站, 10立方米/秒流量: a specification
    if _RATE_SUFFIX.match(after) and not _is_money(q.unit):
        return True
    # 周边1平方公里范围内, 占地50亩的
    if unit in _LENGTH_AREA and (_SIZE_FOLLOW.match(after) or _SIZE_BEFORE.search(text[: q.start])):
        return True
    # a quantity straight before a specification: 一条100兆宽带, 2剂次2价疫苗
    if _SPEC_NEXT.match(after):
        return True
    # 总投资30亿元或3亿美元项目1个, 产值超千万元企业10家: money that sizes what is counted
    if _is_money(q.unit):
        tail = re.sub(r"^(?:以上|以下|左右)", "", after)
        if tail.startswith("或"):
            return True
        if tail[:1] and _CJK.match(tail[:1]) and others_after and not re.match(r"(?:用于|和|及|与|并|的目标|,)", tail):
            return True
    return False


def _baseline(text: str, q: Quantity) -> bool:
    """由每人每月2727元提高到2747元, 由现行四档调整为三档: the 'from' figure is no target."""
    cs = max(_clause_start(text, q.start, ",;。!?\n"), q.start - _WINDOW)
    before = text[cs : q.start]
    return bool(_BASELINE_BEFORE.search(before)) and bool(_BASELINE_AFTER.match(text[q.end : q.end + _WINDOW]))


def _distributive_count(text: str, q: Quantity) -> int:
    """建成省级普惠托育机构、示范性托育机构各2家 commits to 2 of each: one target per item."""
    if text[q.start - 1 : q.start] != "各":
        return 1
    seg = text[_clause_start(text, q.start, ",;。:!?\n") : q.start - 1]
    return seg.count("、") + 1 if "、" in seg else 1


def _ratio_rule(text: str, q: Quantity) -> bool:
    """按照…70%发放: a percentage in a calculation rule, not a deliverable."""
    if unit_key(q.unit) != "%":
        return False
    before = text[max(_clause_start(text, q.start, ",;。!?\n"), q.start - _WINDOW) : q.start]
    return bool(re.search(r"按照|按$|按[^,;。]{0,20}$", before))


def _context(text: str, qs: list[Quantity], i: int) -> str:
    """The words that name target i: from the previous quantity (or clause start) to this
    one, plus what follows up to the next 、/quantity, or the rest of the clause if it is
    the clause's last quantity (开展1057名全科医生、护理人员、村医适宜技术培训)."""
    q = qs[i]
    cs = _clause_start(text, q.start, ",;。:!?\n")
    ce = _clause_end(text, q.end, ",;。:!?\n")
    start = cs
    if i > 0 and qs[i - 1].end > cs:
        start = qs[i - 1].end
    nxt = qs[i + 1].start if i + 1 < len(qs) and qs[i + 1].start < ce else None
    if nxt is None:
        end = ce
    else:
        j = text.find("、", q.end, nxt)
        end = j if j != -1 else nxt
    return text[start:end].strip("、 ")


def extract_targets(text: str) -> list[dict]:
    """Every quantified deliverable in ``text``, in order: ``{"value", "unit", "op"}``.

    Values are plain numbers in the printed unit (``85.8万人次`` -> 858000 人次), units keep
    a bracketed alternative (``套(间)``), op follows plan-schema.md (>= by default and for
    不少于/以上/达到/左右; > for 超/超过; <= for 以内/不超过/最高/控制在; = for 调整为 and
    money standards). The dicts are :class:`Target` instances carrying ``context``.
    """
    if not text:
        return []
    qs = find_quantities(text)
    breakdowns = [m.span() for m in _BREAKDOWN_RE.finditer(text)]
    out: list[dict] = []
    for i, q in enumerate(qs):
        if _inside(q.start, breakdowns):
            continue
        ce = _clause_end(text, q.end, ",;。!?\n")
        same_clause_after = i + 1 < len(qs) and q.end < qs[i + 1].start < ce
        if _descriptive(text, q, same_clause_after) or _baseline(text, q) or _ratio_rule(text, q):
            continue
        # 形成了…候选项目12个: an achievement already made, not a commitment
        if _PAST_RE.search(text[max(_clause_start(text, q.start, ",;。!?\n"), q.start - _WINDOW) : q.start]):
            continue
        op = _op_for(text, q)
        ctx = _context(text, qs, i)
        for _ in range(_distributive_count(text, q)):
            t = Target(value=q.value, unit=q.unit, op=op)
            t.context = ctx
            out.append(t)
    return out
