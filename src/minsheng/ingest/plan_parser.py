"""Document → ``minsheng.plan/1`` (see ``docs/plan-schema.md`` and ``docs/import-rules.md``).

Works on any :class:`~minsheng.ingest.document.Document`, whichever reader produced it:
paragraphs carry numbered items and headings, tables carry project lists, responsibility
lists and district decomposition tables. Columns are recognised by their header words, never
by position, so a table with its columns in another order reads the same.
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass, field

from minsheng.core.numerals import chinese_int

from .document import Document, Paragraph, Table
from .normalize import nfkc, normalize, normalize_inline, to_simplified
from .quantities import extract_targets, parse_number
from .rules import plan_rules
from .schedule import parse_deadline, parse_milestones, parse_schedule_cells

__all__ = ["document_to_plan"]

SCHEMA = "minsheng.plan/1"

def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


# ============================================================================ ordinals

_CN = "一二三四五六七八九十"
_ORDINALS = [
    ("cn", re.compile(rf"^([{_CN}]{{1,3}})\s*[、.]\s*")),
    ("pcn", re.compile(rf"^[(（]\s*([{_CN}]{{1,3}})\s*[)）]\s*[、.]?\s*")),
    ("num", re.compile(r"^(\d{1,3})\s*(?:[、]|\.(?!\d))\s*")),
    ("pnum", re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*[、.]?\s*")),
    ("circ", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
    ("di", re.compile(rf"^第([{_CN}]{{1,3}})[项条部分章节]?\s*[、:：]?\s*")),
]


def _ordinal(text: str) -> tuple[str, str, str] | None:
    """(style, number as Arabic digits, rest) for a numbered paragraph, else None."""
    for style, rx in _ORDINALS:
        m = rx.match(text)
        if not m:
            continue
        raw = m.group(1)
        if style == "circ":
            num = str("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(raw) + 1)
        else:
            v = chinese_int(raw)
            if v is None:
                continue
            num = str(v)
        rest = text[m.end() :].strip()
        if not rest:
            return None
        return style, num, rest
    return None


def _strip_ordinal(text: str) -> str:
    o = _ordinal(text)
    return o[2] if o else text.strip()


def _category_name(text: str) -> str:
    """A heading as a category: without its ordinal, its colon or a count like （共5项）."""
    t = normalize_inline(_strip_ordinal(text)).strip()
    t = re.sub(r"[(（]\s*(共|合计)?\s*\d+\s*(项|个|件|类|大项)\s*[)）]$", "", t)
    return t.rstrip("。:：;； ")


# ============================================================================ units and people

_UNIT_LABELS = (
    "牵头单位",
    "牵头部门",
    "责任单位",
    "责任部门",
    "主办单位",
    "主责单位",
    "承办单位",
    "实施单位",
    "配合单位",
    "配合部门",
    "协办单位",
    "参与单位",
    "协同单位",
    "牵头领导",
    "分管领导",
    "责任领导",
    "分管市领导",
    "分管县领导",
    "分管区领导",
    "联系领导",
    "责任人",
    "完成时限",
    "完成时间",
    "时间节点",
)
_LABEL_RX = "|".join(sorted(_UNIT_LABELS, key=len, reverse=True))
_BRACKET_START = re.compile(rf"[(（〔\[【]\s*(?:{_LABEL_RX})\s*[:：]")
_LABEL_PART = re.compile(rf"({_LABEL_RX})\s*[:：]")

_GENERIC_ORG = re.compile(
    r"^(指挥部|委员会|管委会|办公室|领导小组|工作组|中心|分局|支队|大队|有限公司|集团|公司|字会|事务局|管理局|管理处|"
    r"产业园|工业园|科技园|园区|"
    r"服务中心|管理办公室|[(（].*)$"
)
_UNIT_SUFFIX = "局委会办府院团司队部心室所站社联处组厅校馆行区县市镇乡道园网台署股线营厂场"
_NOT_UNIT = re.compile(r"^(详见|见附|同上|另附)|^(无|暂无|略|待定|—+|-+|/|\\)$|[。；;]|\d{2,}")
_LEVEL_GOV = re.compile(r"^(市|区|县|镇|乡)([(（][^)）]*[)）])?(人民)?政府")
_LEVEL_ONLY = re.compile(r"^(各|相关|有关|涉及)?(市|区|县|镇|乡|街道)$")


def _clean_unit(u: str) -> str:
    u = normalize(u).strip(" .。,，、;；:：")
    u = re.sub(r"\s+", "", u)
    u = re.sub(r"^(和|及|以及|与|会同|由)", "", u)
    u = re.sub(
        r"(按职责分工负责|按职责分工|按职能分工负责|按职责负责|分别负责|等(单位|部门)?|负责|配合|参与|落实)$", "", u
    )
    return u.strip(" .。,，、;；:：")


def _split_units(text: str) -> tuple[list[str], list[str]]:
    """A unit list → (lead units marked 牵头 inside it, all other units), in order.

    Splits on 、，,；; line breaks and wide gaps; ``各区、县(市)政府`` stays one unit, a name
    that a cell wrapped (``红十`` / ``字会``) is put back together.
    """
    if not text:
        return [], []
    t = nfkc(to_simplified(text))
    t = re.sub(r"[ \t\u3000]{3,}", "\n", t)
    t = re.sub(r"[ \t\u3000]+", "", t)
    lead: list[str] = []
    rest: list[str] = []
    marked = re.compile(r"[(（]\s*(牵头|主办|主责)\s*(单位)?\s*[)）]")
    if marked.search(t):
        # "市园林局（牵头）、市财政局": the marked units lead
        for u in _unit_pieces(marked.sub("\u2605", t)):
            if "\u2605" in u:
                lead.append(u.replace("\u2605", ""))
            else:
                rest.append(u)
        return lead, rest
    # "A牵头，B、C按职责分工负责" / "A牵头，B配合"
    m = re.match(r"^(.+?)(?:牵头负责|牵头)[,，;；、\s]*(.*)$", t, re.S)
    if m and not re.search(r"(牵头单位|牵头部门)", m.group(1)):
        lead_part, t = m.group(1), m.group(2)
        lead = _unit_pieces(lead_part)
    rest = _unit_pieces(t)
    return lead, rest


def _unit_pieces(t: str) -> list[str]:
    lines = [x.strip() for x in re.split(r"\n+", t) if x.strip()]
    # put wrapped names back together
    joined: list[str] = []
    for x in lines:
        if joined:
            prev = joined[-1]
            if (
                _GENERIC_ORG.match(x)
                or (
                    prev[-1] not in _UNIT_SUFFIX
                    and (len(prev) <= 2 or len(x) <= 2)
                    and not re.search(r"[、,，;；]$", prev)
                )
                or re.search(r"[(（][^)）]*$", prev)
            ):
                joined[-1] = prev + x
                continue
        joined.append(x)
    out: list[str] = []
    for line in joined:
        parts = [p for p in re.split(r"[、,，;；]+", line) if p.strip()]
        merged: list[str] = []
        for p in parts:
            # "各区、县(市)政府": a bare level word belongs with what follows
            if merged and _LEVEL_ONLY.match(merged[-1]) and _LEVEL_GOV.match(p):
                merged[-1] = merged[-1] + "、" + p
                continue
            # a bracket split by the separator: "市城投集团(市公交集团、市地铁集团)"
            if merged and _open_bracket(merged[-1]):
                merged[-1] = merged[-1] + "、" + p
                continue
            merged.append(p)
        for p in merged:
            u = _clean_unit(p)
            if u and not _NOT_UNIT.search(u) and len(u) <= 60 and u not in out:
                out.append(u)
    return out


_PERSON_BAD = re.compile(r"[\d:：。]|详见|同上|^无$|单位|部门")


def _open_bracket(s: str) -> bool:
    return s.count("(") + s.count("（") > s.count(")") + s.count("）")


def _split_people(text: str) -> list[str]:
    """``漆宪忠 邓伟民`` → two names; ``方  毅`` → ``方毅``; ``区长、副区长`` → two."""
    if not text:
        return []
    t = nfkc(to_simplified(text)).strip()
    if not t or re.fullmatch(r"[-—/\\]+", t):
        return []
    tokens = [x for x in re.split(r"[、,，;；/\s]+", t) if x]
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1:
            run.append(tok)
            continue
        if run:
            # one name spread out by layout ("方  毅"); four or more letters are names of two
            if len(run) <= 3:
                out.append("".join(run))
            else:
                out.extend("".join(run[k : k + 2]) for k in range(0, len(run), 2))
            run = []
        if tok:
            out.append(tok)
    res = []
    for p in out:
        p = p.strip(" .。")
        if p and len(p) <= 12 and not _PERSON_BAD.search(p) and p not in res:
            res.append(p)
    return res


# ============================================================================ header roles


_NAME_WORDS = (
    "项目",
    "实事",
    "事项",
    "民生实事",
    "实事项目",
    "民生实事项目",
    "民生项目",
    "工作任务",
    "重点任务",
    "重点工作",
    "工作事项",
    "重点项目",
)


def _role(leaf: str, parent: str) -> str | None:
    h = leaf
    ctx = parent + leaf
    if not h:
        return None
    if re.search(r"(单位|部门).*(领导|负责人|责任人)", h):
        return "unit_leaders"
    if re.search(r"领导|^(市长|县长|区长|副市长|副县长|副区长)$", h):
        return "leaders"
    if "序号" in h or h in ("序", "No", "NO", "no"):
        return "seq"
    if "编号" in h:
        return "code"
    if re.search(r"投资|资金|筹措|万元|经费|预算|补助|统筹|资本|自筹", ctx) and not re.search(r"备注", h):
        f = _funding_key(h, parent)
        if f:
            return "fund:" + f
    if _quarter_label(h):
        return "quarter"
    if re.search(r"进度|计划安排|时序|节点|推进计划|工作计划|实施步骤|时间安排", h):
        return "milestones"
    if re.search(r"时限|完成时间|截止|完成日期|办结时间|时间要求|完成期限", h):
        return "deadline"
    if re.search(r"类型|性质", h):
        return "kind"
    if re.search(r"量化目标|目标值|任务量|量化指标|目标任务数|年度目标值|数量", h):
        return "quantity"
    if re.search(r"类别|主题|领域|方面|板块|分类|专题|大类", h) and "名称" not in h:
        return "category"
    if "名称" in h or h in _NAME_WORDS:
        return "name"
    if re.search(r"明细|内容|标准|目标任务|任务目标|建设规模|主要任务|具体任务|工作措施|年度目标|任务|目标", h):
        return "content"
    if re.search(r"牵头|主办|主责|责任单位|责任部门|实施单位|承办|实施主体", h):
        return "lead"
    if re.search(r"配合|协办|参与|协同|协助", h):
        return "partner"
    if "备注" in h:
        return "note"
    return None


def _funding_key(leaf: str, parent: str) -> str | None:
    h = leaf
    if re.search(r"自筹", h):
        return "self"
    if re.search(r"社会", h):
        return "social"
    if re.search(r"上级|中央|省级|省补|争取|国家", h):
        return "superior"
    if re.search(r"财政|本级|地方|统筹|市级|县级|区级", h):
        return "local"
    if re.search(r"\d{4}年|年度|当年|本年", h):
        return "annual"
    if re.search(r"总投资|计划投资|投资总额|总额|合计|投资规模|总计|投资", h):
        return "total"
    return None


_QUARTER = re.compile(
    r"^(第?[一二三四1-4]季度|[一二三四1-4]季度末?|Q[1-4]|\d{1,2}[-~至—]\d{1,2}月(份)?|\d{1,2}月(底|末|份)?(前)?|上半年|下半年|"
    r"前三季度|全年|年底(前)?)$"
)


def _quarter_label(h: str) -> bool:
    return bool(_QUARTER.match(h))


_REGION_HEADER = re.compile(
    r"^(市本级|县本级|区本级|本级|市直|县直|区直|.{1,12}?(?:市|区|县|旗|镇|乡|街道|新区|开发区|高新区|园区|风景名胜区|"
    r"度假区|管委会|经开区|示范区|合作区|农场))$"
)


def _is_region_header(h: str) -> bool:
    return bool(_REGION_HEADER.match(h)) and not re.search(
        r"单位|部门|领导|名称|序号|目标|分解|任务|合计|小计|总计|^全(市|县|区|省)|^(各|相关)", h
    )


# ============================================================================ figures

_FIG = re.compile(r"^(\d[\d,]*(?:\.\d+)?\s*(?:万亿|千万|百万|亿|万|千)?)")
_SUMFIG = re.compile(r"^(\d[\d,]*(?:\.\d+)?\s*(?:万|千)?)\s*[(（]\s*(\d[\d,]*(?:\.\d+)?\s*(?:万|千)?)\s*[)）]")


def _figure(cell: str) -> tuple[float | int, str] | None:
    """A decomposition cell → (value, unit). ``--``/empty/notes → None; ``5(4)个`` → 9."""
    t = _squeeze(normalize(cell))
    if not t or not t[0].isdigit() or len(t) > 24 or re.search(r"[，。；;、]", t):
        return None
    m = _SUMFIG.match(t)
    if m:
        a, b = parse_number(m.group(1)), parse_number(m.group(2))
        if a is None or b is None:
            return None
        unit = t[m.end() :]
        return _num(a + b), unit
    m = _FIG.match(t)
    if not m:
        return None
    v = parse_number(m.group(1))
    if v is None:
        return None
    unit = t[m.end() :]
    if re.search(r"\d", re.sub(r"[(（][^)）]*[)）]", "", unit)):
        return None
    return _num(v), unit


def _num(v: float | int) -> float | int:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, float):
        return round(v, 6)
    return v


def _unit_key(u: str) -> str:
    return re.sub(r"[(（][^)）]*[)）]|\s", "", u or "")


# ============================================================================ blocks


@dataclass
class _Block:
    kind: str  # "p" or "t"
    text: str = ""
    raw_rows: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    section: str | None = None


@dataclass
class _Project:
    data: dict
    order: tuple[int, int]
    from_table: int | None = None
    match_name: str = ""


def _blocks(doc: Document) -> list[_Block]:
    out: list[_Block] = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            t = normalize(b.text)
            for line in t.split("\n"):
                line = line.strip()
                if line:
                    out.append(_Block("p", text=line))
        elif isinstance(b, Table):
            raw = [[nfkc(to_simplified(c or "")) for c in r] for r in b.rows]
            if not raw:
                continue
            width = max(len(r) for r in raw)
            raw = [r + [""] * (width - len(r)) for r in raw]
            rows = [[normalize(c) for c in r] for r in raw]
            out.append(_Block("t", raw_rows=raw, rows=rows))
    return out


# ============================================================================ metadata

_DOCNO = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,5}\s*号")
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_ORGAN_END = re.compile(r"(人民政府|政府|办公室|办公厅|委员会|局|委|厅|管委会|指挥部|领导小组)$")
_PLACE = re.compile(r"^([\u4e00-\u9fff]{1,10}?(?:自治州|自治县|特别行政区|省|市|区|县|旗|盟|州|镇|乡|街道))")


_CN_DATE = re.compile(
    r"([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)


def _digit_dates(text: str) -> str:
    """``二〇二四年二月二十七日`` → ``2024年2月27日``."""

    def sub(m: re.Match[str]) -> str:
        y = chinese_int(m.group(1))
        return f"{y}年{chinese_int(m.group(2))}月{chinese_int(m.group(3))}日"

    return _CN_DATE.sub(sub, text)


def _iso(y: str | int, m: str | int, d: str | int) -> str | None:
    try:
        y, m, d = int(y), int(m), int(d)
        if not (1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]):
            return None
        return f"{y:04d}-{m:02d}-{d:02d}"
    except (ValueError, TypeError):
        return None


def _date_in(text: str) -> str | None:
    m = _DATE_CN.search(text) or _DATE_ISO.search(text)
    return _iso(*m.groups()) if m else None


def _key_values(blocks: list[_Block]) -> dict[str, str]:
    """``文号: X`` pairs from metadata tables and lines (web page headers)."""
    kv: dict[str, str] = {}
    keys = (
        r"(索引号|文号|发文字号|发文号|成文日期|发文日期|印发日期|发布日期|发布时间|发布单位|发文机关|发文单位|"
        r"主题分类|标题|名称)"
    )
    for b in blocks:
        if b.kind == "t":
            for r in b.rows:
                cells = [c.strip() for c in r]
                for i, c in enumerate(cells):
                    k = _squeeze(c).rstrip(":：")
                    if re.fullmatch(keys, k):
                        for v in cells[i + 1 :]:
                            if v.strip():
                                if not re.fullmatch(keys, _squeeze(v).rstrip(":：")):
                                    kv.setdefault(k, v.strip())
                                break
        else:
            for m in re.finditer(keys + r"\s*[:：]\s*(\S+)", b.text):
                kv.setdefault(m.group(1), m.group(2))
    return kv


def _meta(blocks: list[_Block], first_item: int, item_blocks: set[int] | None = None) -> dict:
    paras = [(i, _digit_dates(b.text)) for i, b in enumerate(blocks) if b.kind == "p"]
    kv = _key_values(blocks)
    # the notice: what precedes the first project, and the body's closing lines (signature,
    # date) when the projects are numbered paragraphs of the body itself
    head = [(i, t) for i, t in paras if i < first_item]
    body_end = [
        (i, t) for i, t in paras if i >= first_item and blocks[i].section is None and i not in (item_blocks or set())
    ]
    head = (head + body_end) or paras

    # 文号: a line of its own, or the 文号 field
    doc_number = None
    for _i, t in head:
        s = _squeeze(t)
        m = _DOCNO.fullmatch(s)
        if m:
            doc_number = s
            break
    if doc_number is None:
        for k in ("文号", "发文字号", "发文号"):
            if k in kv and _DOCNO.search(_squeeze(kv[k])):
                doc_number = _DOCNO.search(_squeeze(kv[k])).group(0)
                break

    # issue date: the date line under the signature, else the 成文日期 field
    issued_on = None
    issuer = None
    for idx, (_i, t) in enumerate(head):
        s = _squeeze(t)
        if _DATE_CN.fullmatch(s):
            issued_on = _date_in(s)
            # the signing organ is the line just above
            for j in range(idx - 1, max(-1, idx - 3), -1):
                cand = _squeeze(head[j][1])
                if len(cand) <= 30 and _ORGAN_END.search(cand) and not re.search(r"[,，。:：]", cand):
                    issuer = cand
                    break
            break
        m = re.fullmatch(r"(.{2,30}?(?:人民政府|政府|办公室|办公厅|委员会))((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)", s)
        if m and issued_on is None:
            issuer, issued_on = m.group(1), _date_in(m.group(2))
            break
    if issued_on is None:
        for k in ("成文日期", "发文日期", "印发日期"):
            if k in kv and _date_in(kv[k]):
                issued_on = _date_in(kv[k])
                break
    if issued_on is None:
        for _i, t in head:
            m = re.search(r"((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*印发", _squeeze(t))
            if m:
                issued_on = _date_in(m.group(1))
                break
    if issued_on is None:
        for k in ("发布日期", "发布时间"):
            if k in kv and _date_in(kv[k]):
                issued_on = _date_in(kv[k])
                break

    # the notice title: "X关于印发《Y》的通知" / "X关于做好…的通知"
    notice_org = None
    notice_title = None
    for _i, t in head[:12]:
        s = _squeeze(t)
        m = re.match(r"^(.{2,30}?)关于", s)
        if m and _ORGAN_END.search(m.group(1)) and len(s) <= 80:
            notice_org = m.group(1)
            notice_title = s
            break
    if issuer is None and "发布单位" in kv:
        issuer = _squeeze(kv["发布单位"])
    if issuer is None:
        issuer = notice_org

    title = _title(blocks, head, kv)

    year = None
    m = re.search(r"((?:19|20)\d{2})\s*年", title or "")
    if m:
        year = int(m.group(1))
    if year is None and doc_number:
        m = re.search(r"((?:19|20)\d{2})", doc_number)
        if m:
            year = int(m.group(1))
    if year is None and issued_on:
        year = int(issued_on[:4])
    cells = " ".join(c for b in blocks if b.kind == "t" for r in b.rows[:200] for c in r)
    if year is None:
        years = re.findall(r"((?:19|20)\d{2})\s*年", " ".join(t for _, t in paras[:200]) + cells)
        if years:
            year = int(max(set(years), key=years.count))
    region = _region(issuer, title, notice_title, doc_number, paras, cells)
    if issuer and region and re.match(r"^(市|县|区|镇|乡)(人民)?政府", issuer):
        # "县政府办公室" signed by a government whose name the text gives elsewhere
        issuer = region + re.sub(r"^(市|县|区|镇|乡)(人民)?政府", "人民政府", issuer)
    return {
        "title": title,
        "issuer": issuer,
        "doc_number": doc_number,
        "year": year,
        "issued_on": issued_on,
        "region": region,
    }


_TITLE_END = re.compile(
    r"(方案|清单|计划|项目表|任务表|分解表|一览表|汇总表|目标任务书|任务书|责任书|通知|意见|要点|安排|表|目标|实事|项目)$"
)


def _title(blocks: list[_Block], head: list[tuple[int, str]], kv: dict[str, str]) -> str | None:
    texts = [_squeeze(b.text) for b in blocks if b.kind == "p"]
    standalone = set(texts)
    # 1. the document the notice issues: 现将《X》印发 / 关于印发《X》的通知, when X stands as a title too
    cands = []
    for t in texts[:80]:
        for m in re.finditer(r"《([^》]{4,80})》", t):
            x = m.group(1)
            if re.search(r"印发|下发|发给你们|已经.{0,12}同意", t):
                cands.append(x)
    for x in cands:
        if x in standalone:
            return x
    if cands:
        for x in cands:
            if re.search(r"(19|20)\d{2}", x):
                return x
    # 2. the main attachment's title: the line after "附件1"/"附件", or the first listed one
    for i, b in enumerate(blocks):
        if b.kind == "p" and re.fullmatch(r"附件\s*[1一]?\s*[:：]?", _squeeze(b.text)):
            lines = []
            for nb in blocks[i + 1 : i + 4]:
                if nb.kind != "p":
                    break
                s = _squeeze(nb.text)
                if _ordinal(s) or len(s) > 60:
                    break
                lines.append(s)
                if _TITLE_END.search(s):
                    break
            if lines:
                return "".join(lines)
    for t in texts:
        m = re.match(r"^附件\s*[:：]\s*(?:1\s*[.、．]\s*)?(.{4,80})$", t)
        if m and not re.search(r"[。;；]", m.group(1)):
            return m.group(1)
    # 3. a title-like line near the top
    for t in texts[:15]:
        if 6 <= len(t) <= 60 and _TITLE_END.search(t) and not re.search(r"[,，。:：;；]", t) and not _ordinal(t):
            return t
    if "标题" in kv:
        return _squeeze(kv["标题"])
    # a sheet's title row above its header
    for b in blocks:
        if b.kind == "t":
            for r in b.rows[:3]:
                filled = [_squeeze(c) for c in r if c.strip()]
                if len(filled) == 1 and 4 <= len(filled[0]) <= 60 and _TITLE_END.search(filled[0]):
                    return filled[0]
    for t in texts[:5]:
        if 4 <= len(t) <= 60 and not _ordinal(t) and not _BRACKET_START.search(t) and not re.search(r"[。;；]", t):
            return t
    return None


_AFTER_PLACE = re.compile(
    r"^(人民政府|政府|人民代表大会|人大|委员会|党委|办公|关于|落实|民生|年度|\d{4}|“|政协|发展|改革|财政|[一二三四五六七八九十]+大)"
)


def _place_prefix(s: str) -> str | None:
    """The place a government or title names first: ``杭州市人民政府办公厅`` → ``杭州市``."""
    best = None
    for k in range(2, min(len(s), 12) + 1):
        p = s[:k]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", p):
            break
        if (
            (p[-1] in "市区县旗盟州镇乡省" or p.endswith(("街道", "自治州", "自治县")))
            and _AFTER_PLACE.match(s[k:])
            and not re.match(r"^(市|县|区|省|各|全|本)", p)
        ):
            best = p
    return best


_NOT_IN_PLACE = r"[年月日全本各该我每两个市县区省级镇乡村是在的和与及了为对]"


def _region(
    issuer: str | None,
    title: str | None,
    notice: str | None,
    doc_number: str | None,
    paras: list[tuple[int, str]],
    all_text: str = "",
) -> str | None:
    for s in (issuer, title, notice):
        if s:
            p = _place_prefix(re.sub(r"^(关于|中共)", "", s))
            if p:
                return p
    # "县政府办公室": find the county the text names, preferring the 文号's first character
    level = None
    for s in (issuer, notice, title):
        m = re.match(r"^(?:\d{4}年(?:度)?)?(市|县|区)(人民)?政府", s or "")
        if m:
            level = m.group(1)
            break
    if not level:
        return None
    text = " ".join(t for _, t in paras[:400]) + " " + all_text
    counts: dict[str, int] = {}
    for m in re.finditer(level, text):
        k = m.start()
        for n in (2, 1, 3):
            name = text[max(0, k - n) : k]
            if len(name) == n and re.fullmatch(r"[\u4e00-\u9fff]+", name) and not re.search(_NOT_IN_PLACE, name):
                counts[name + level] = counts.get(name + level, 0) + (3 if n == 2 else 1)
    if not counts:
        return None
    first = doc_number[0] if doc_number else None
    preferred = {c: v for c, v in counts.items() if first and c.startswith(first)}
    pool = preferred or counts
    return max(pool, key=lambda c: pool[c])


# ============================================================================ sections & items


@dataclass
class _Item:
    block: int
    section: str | None
    style: str
    ref: str
    body: str
    bracket: str | None


def _bracket(text: str) -> tuple[str, str | None]:
    """Split an item into (text, unit bracket content) — the bracket is the last one with a label."""
    ms = list(_BRACKET_START.finditer(text))
    if not ms:
        # a trailing label without brackets: "…。责任单位：市民政局"
        m = re.search(rf"[。;；]\s*((?:{_LABEL_RX})\s*[:：].+)$", text)
        if m:
            return text[: m.start() + 1].strip(), m.group(1)
        return text, None
    m = ms[-1]
    inner = text[m.start() + 1 :].strip()
    inner = re.sub(r"[)）〕\]】]\s*[。.;；]?\s*$", "", inner)
    return text[: m.start()].strip(), inner


def _parse_bracket(inner: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"lead": [], "partner": [], "leaders": [], "unit_leaders": [], "deadline": []}
    parts = list(_LABEL_PART.finditer(inner))
    has_lead_label = any(p.group(1) in ("牵头单位", "牵头部门", "主办单位", "主责单位") for p in parts)
    for k, p in enumerate(parts):
        end = parts[k + 1].start() if k + 1 < len(parts) else len(inner)
        content = inner[p.end() : end].strip(" ;；,，。")
        label = p.group(1)
        if label in ("完成时限", "完成时间", "时间节点"):
            out["deadline"].append(content)
            continue
        if "领导" in label or label == "责任人":
            out["leaders"].extend(_split_people(content))
            continue
        lead, rest = _split_units(content)
        if label in ("牵头单位", "牵头部门", "主办单位", "主责单位"):
            out["lead"].extend(lead + rest)
        elif label in ("责任单位", "责任部门", "承办单位", "实施单位"):
            if lead:
                out["lead"].extend(lead)
                out["partner"].extend(rest)
            elif has_lead_label:
                out["partner"].extend(rest)
            else:
                out["lead"].extend(rest)
        else:
            out["partner"].extend(lead + rest)
    for k in out:
        out[k] = list(dict.fromkeys(out[k]))
    return out


def _titled(body: str) -> tuple[str, str | None]:
    """Titled-item rule: ``医疗服务能力提升工程。开展…`` → (title, details)."""
    m = re.match(r"^([^。]{2,20})。\s*(.+)$", body, re.S)
    if m:
        title, rest = m.group(1), m.group(2).strip()
        if rest and not re.search(r"[,，、;；:：\d%]", title):
            return title, rest
    return body, None


# ============================================================================ tables


@dataclass
class _Columns:
    roles: dict[str, list[int]]
    headers: list[str]
    leaves: list[str]
    regions: list[int]
    quarters: list[int]
    n_head: int


def _header_rows(rows: list[list[str]]) -> int:
    n = 0
    for r in rows[:4]:
        cells = [_squeeze(c) for c in r if c.strip()]
        if not cells:
            break
        if any(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells):
            break
        roles = sum(1 for c in cells if _role(c, "") or _is_region_header(c))
        if n == 0 and roles < max(2, len(cells) // 3):
            break
        if n > 0 and roles < max(1, len(cells) // 2):
            break
        n += 1
    return n


def _columns(rows: list[list[str]]) -> _Columns | None:
    # a sheet may start with its title or a "单位：万元" line above the header
    start, n = 0, 0
    for start in range(min(4, len(rows))):
        n = _header_rows(rows[start:])
        if n:
            break
        if sum(1 for c in rows[start] if c.strip()) > 1:
            return None
    if n == 0:
        return None
    n_head = start + n
    width = len(rows[0])
    headers, leaves, parents = [], [], []
    for j in range(width):
        parts = []
        for r in range(start, n_head):
            c = _squeeze(rows[r][j])
            if c and c not in parts:
                parts.append(c)
        # a header cell merged horizontally is empty in its other columns: take it from the left
        if n > 1 and not _squeeze(rows[start][j]):
            k = j
            while k > 0 and not _squeeze(rows[start][k]):
                k -= 1
            top = _squeeze(rows[start][k])
            if top and top not in parts:
                parts.insert(0, top)
        headers.append("/".join(parts))
        leaves.append(parts[-1] if parts else "")
        parents.append("/".join(parts[:-1]))
    roles: dict[str, list[int]] = {}
    regions: list[int] = []
    quarters: list[int] = []
    for j in range(width):
        leaf, parent = leaves[j], parents[j]
        role = _role(leaf, parent)
        if role is None and parent and re.search(r"分解|区县|县区|各地", parent) and leaf and not _role(leaf, ""):
            regions.append(j)
            continue
        if role is None and _is_region_header(leaf):
            regions.append(j)
            continue
        if role == "quarter":
            quarters.append(j)
            continue
        if role:
            roles.setdefault(role, []).append(j)
    # a bare 责任单位 list is the lead; next to a 牵头 column it is the partners
    if "lead" in roles and len(roles["lead"]) > 1:
        firsts = [j for j in roles["lead"] if re.search(r"牵头|主办|主责", leaves[j])]
        others = [j for j in roles["lead"] if j not in firsts]
        if firsts and others:
            roles["lead"] = firsts
            roles.setdefault("partner", []).extend(others)
    if "name" not in roles and "content" in roles:
        roles["name"] = [roles["content"].pop(0)]
        if not roles["content"]:
            del roles["content"]
    if "name" not in roles and not regions:
        return None
    return _Columns(roles, headers, leaves, regions, quarters, n_head)


def _first(row: list[str], cols: _Columns, role: str) -> str:
    for j in cols.roles.get(role, []):
        if j < len(row) and row[j].strip():
            return row[j].strip()
    return ""


def _none_cell(s: str) -> bool:
    return bool(re.fullmatch(r"\s*([-—–－_/\\]+|无|暂无|/)?\s*", s or ""))


# ============================================================================ main


def document_to_plan(doc: Document) -> dict:
    """Understand a Document: the ``minsheng.plan/1`` dict (never raises on odd input)."""
    blocks = _blocks(doc)
    _assign_sections(blocks)
    items = _find_items(blocks)
    first_item = min(
        [it.block for it in items]
        + [i for i, b in enumerate(blocks) if b.kind == "t" and _columns(b.rows)]
        + [len(blocks)]
    )
    plan = _meta(blocks, first_item, {it.block for it in items})
    year = plan["year"] or 0
    item_blocks = {it.block for it in items}
    doc_deadline = _document_deadline(blocks, item_blocks, year) if year else None
    fallback_deadline = doc_deadline or (f"{year}-12-31" if year else None)

    projects: list[_Project] = []
    decompositions: list[tuple[int, list[dict]]] = []
    categories = _paragraph_categories(blocks, items)
    for it in items:
        projects.append(_item_project(it, categories.get(it.block), year, fallback_deadline))
    for bi, b in enumerate(blocks):
        if b.kind != "t":
            continue
        cols = _columns(b.rows)
        if cols is None:
            continue
        heading = _heading_before(blocks, bi)
        if len(cols.regions) >= 2:
            decompositions.append((bi, _decomposition_groups(b, cols)))
            continue
        projects.extend(_table_projects(bi, b, cols, heading, year, fallback_deadline))

    projects.sort(key=lambda p: p.order)
    for bi, groups in decompositions:
        _merge_decomposition(bi, groups, projects, blocks[bi].section, year, fallback_deadline)

    out_projects = [d for d in (_conform_project(p.data) for p in projects) if d is not None]
    _conform_plan(plan, doc, blocks)
    # The document's own working rules, from its prose (a project's schedule is not one).
    prose = "\n".join(b.text for i, b in enumerate(blocks) if b.kind == "p" and i not in item_blocks)
    settings = plan_rules(prose, plan["year"], doc_deadline)
    if settings:
        plan["settings"] = settings
    return {"schema": SCHEMA, "source": doc.source, "plan": plan, "projects": out_projects}


# ---------------------------------------------------------------------------- schema limits

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _valid_date(v: object) -> str | None:
    if isinstance(v, str) and _ISO_DATE.match(v) and _iso(*v.split("-")):
        return v
    return None


def _amount(v: object) -> float | int | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    if v != v or abs(v) > 1e15:  # NaN or out of range
        return None
    return v


def _text(v: object, limit: int) -> str | None:
    if v is None:
        return None
    t = str(v).strip()
    return t[:limit] if t else None


def _conform_plan(plan: dict, doc: Document, blocks: list[_Block]) -> None:
    """Whatever the document, the plan fields are what minsheng.plan/1 requires.

    A field the text does not give gets a value a coordinator sees and corrects in the
    preview: the file name as title, the current year, 未识别地区 as region.
    """
    import datetime as _dt
    from pathlib import PurePath

    title = _text(plan.get("title"), 300)
    if not title:
        title = _text(PurePath(doc.source or "").stem, 300) or "未命名计划"
    plan["title"] = title
    year = plan.get("year")
    if not isinstance(year, int) or not 1949 <= year <= 2200:
        year = _dt.date.today().year
    plan["year"] = year
    region = _text(plan.get("region"), 100)
    if not region:
        text = " ".join(b.text for b in blocks if b.kind == "p")
        found = re.findall(r"([\u4e00-\u9fff]{2,4}?(?:市|县|区))(?:人民政府|政府|委员会|党委|人大)", text)
        found = [f for f in found if not re.match(r"^(各|全|本|该|我|市|县|区)", f)]
        region = max(set(found), key=found.count) if found else "未识别地区"
    plan["region"] = region
    plan["issuer"] = _text(plan.get("issuer"), 200)
    plan["doc_number"] = _text(plan.get("doc_number"), 100)
    plan["issued_on"] = _valid_date(plan.get("issued_on"))


def _conform_project(d: dict) -> dict | None:
    name = _text(d.get("name"), 500)
    if not name:
        return None
    d["name"] = name
    d["section"] = _text(d.get("section"), 50)
    d["ref"] = _text(d.get("ref"), 30)
    d["category"] = _text(d.get("category"), 200)
    d["content"] = _text(d.get("content"), 100000)
    d["kind"] = _text(d.get("kind"), 50)
    d["deadline"] = _valid_date(d.get("deadline"))
    for k, limit in (("lead_units", 200), ("partner_units", 200), ("leaders", 50), ("unit_leaders", 50)):
        d[k] = list(dict.fromkeys(x for x in (_text(u, 10**6) for u in d.get(k) or []) if x and len(x) <= limit))
    targets = []
    for t in d.get("targets") or []:
        if isinstance(t, dict) and _amount(t.get("value")) is not None:
            if t.get("op") not in (">=", ">", "<=", "=", None):
                t["op"] = None
            if t.get("unit") is not None:
                t["unit"] = _text(t["unit"], 50)
            targets.append(t)
    d["targets"] = targets
    n = len(targets)

    def index(v: object) -> int | None:
        return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < n else None

    milestones = []
    for m in d.get("milestones") or []:
        if not isinstance(m, dict) or not _valid_date(m.get("due")):
            continue
        m["percent"] = _amount(m.get("percent"))
        m["value"] = _amount(m.get("value"))
        if m.get("cumulative") not in (True, False, None):
            m["cumulative"] = None
        m["target"] = index(m.get("target"))
        milestones.append(m)
    d["milestones"] = milestones
    allocations = []
    for a in d.get("allocations") or []:
        region = _text(a.get("region"), 100)
        if region and _amount(a.get("value")) is not None:
            a["region"] = region
            a["unit"] = _text(a.get("unit"), 50)
            a["target"] = index(a.get("target"))
            allocations.append(a)
    d["allocations"] = allocations
    f = d.get("funding")
    if isinstance(f, dict):
        d["funding"] = {"unit": _text(f.get("unit"), 20)} | {
            k: _amount(f.get(k)) for k in ("total", "annual", "superior", "local", "social", "self")
        }
    else:
        d["funding"] = None
    return d


# ---------------------------------------------------------------------------- sections


def _assign_sections(blocks: list[_Block]) -> None:
    section: str | None = None
    listed: dict[str, str] = {}  # attachment title → section name
    single_pending: str | None = None
    in_list = False
    for b in blocks:
        if b.kind == "p":
            s = _squeeze(b.text)
            m = re.fullmatch(r"附[件表]\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]?", s)
            if m:
                num = m.group(1)
                word = "附表" if s.startswith("附表") else "附件"
                section = f"{word}{chinese_int(num)}" if num else word
                in_list = False
                b.section = section
                continue
            m = re.match(r"^附件\s*[:：]\s*(.+)$", s)
            if m:
                body = m.group(1)
                o = re.match(r"^(\d{1,2})\s*[.、．]\s*(.+)$", body)
                if o:
                    listed[_squeeze(o.group(2))] = f"附件{int(o.group(1))}"
                    in_list = True
                else:
                    single_pending = _squeeze(body)
                b.section = section
                continue
            if in_list:
                o = re.match(r"^(\d{1,2})\s*[.、．]\s*(.{4,80})$", s)
                if o and not re.search(r"[。;；]", o.group(2)):
                    listed[_squeeze(o.group(2))] = f"附件{int(o.group(1))}"
                    b.section = section
                    continue
                in_list = False
            if single_pending and s == single_pending:
                section = "附件"
                single_pending = None
            elif s in listed and section != listed[s] and (section is None or section < listed[s]):
                section = listed.pop(s)
        b.section = section


# ---------------------------------------------------------------------------- paragraph items


def _find_items(blocks: list[_Block]) -> list[_Item]:
    cands: list[_Item] = []
    for i, b in enumerate(blocks):
        if b.kind != "p":
            continue
        o = _ordinal(b.text)
        if not o:
            continue
        style, num, rest = o
        body, bracket = _bracket(rest)
        if (
            bracket is None
            and i + 1 < len(blocks)
            and blocks[i + 1].kind == "p"
            and not re.search(r"[。；;)）〕]$", body)
            and not _ordinal(blocks[i + 1].text)
        ):
            # an item cut by a line break, its units at the end of the next line
            b2, br2 = _bracket(blocks[i + 1].text.strip())
            if br2 and b2 and len(b2) <= 200:
                body, bracket = body + b2, br2
        if bracket is None:
            # the unit line under the item ("（责任单位：…）" or "责任单位：…"), possibly after
            # a paragraph or two of details
            details: list[str] = []
            for k in range(i + 1, min(i + 5, len(blocks))):
                nb = blocks[k]
                if nb.kind != "p" or nb.section != b.section or _ordinal(nb.text) or nb.text.startswith("附件"):
                    break
                m = re.match(rf"^[(（〔\[【]?\s*((?:{_LABEL_RX})\s*[:：].*?)[)）〕\]】]?\s*[。.]?$", nb.text.strip())
                if m:
                    bracket = m.group(1)
                    if details:
                        body = body + "".join(details)
                    break
                if len(nb.text) > 300:
                    break
                details.append(nb.text.strip())
        if bracket is None:
            # an unlabelled bracket naming the units: "（市教育局牵头，市财政局配合）"
            m = re.search(r"[(（〔]([^()（）〔〕]{2,80}?(?:牵头|负责)[^()（）〔〕]{0,80})[)）〕]\s*[。.]?$", body)
            if m and not re.search(r"\d", m.group(1)):
                body, bracket = body[: m.start()].strip(), "责任单位:" + m.group(1)
        cands.append(_Item(i, b.section, style, num, body, bracket))
    chosen = {c.block for c in cands if c.bracket}
    # items without a unit bracket belong to a list when their numbers continue it
    changed = True
    by_key: dict[tuple, list[_Item]] = {}
    for c in cands:
        by_key.setdefault((c.section, c.style), []).append(c)
    while changed:
        changed = False
        for lst in by_key.values():
            for k, c in enumerate(lst):
                if c.block in chosen or len(c.body) > 400:
                    continue
                prev = lst[k - 1] if k > 0 else None
                nxt = lst[k + 1] if k + 1 < len(lst) else None
                ok = (prev and prev.block in chosen and int(prev.ref) + 1 == int(c.ref)) or (
                    nxt and nxt.block in chosen and int(c.ref) + 1 == int(nxt.ref)
                )
                if ok and _is_listish(c, lst):
                    chosen.add(c.block)
                    changed = True
    items = [c for c in cands if c.block in chosen]
    if not items and not any(b.kind == "t" and _columns(b.rows) for b in blocks):
        items = _bare_list(cands)
    return items


def _is_listish(c: _Item, lst: list[_Item]) -> bool:
    return not re.match(r"^(附件|抄送|联系人)", c.body)


def _bare_list(cands: list[_Item]) -> list[_Item]:
    """No item names its units: take the longest run of items numbered 1, 2, 3 … (≥ 3)."""
    best: list[_Item] = []
    by_key: dict[tuple, list[_Item]] = {}
    for c in cands:
        by_key.setdefault((c.section, c.style), []).append(c)
    for (section, style), lst in by_key.items():
        if style not in ("num", "cn", "pnum", "circ"):
            continue
        run: list[_Item] = []
        for c in lst:
            if run and int(c.ref) == int(run[-1].ref) + 1:
                run.append(c)
            else:
                if len(run) > len(best):
                    best = run
                run = [c] if c.ref == "1" else []
        if len(run) > len(best):
            best = run
        if section is not None and len(best) >= 3:
            pass
    if len(best) >= 3 and all(len(c.body) <= 300 for c in best):
        return best
    return []


def _is_heading(b: _Block) -> str | None:
    if b.kind != "p":
        return None
    o = _ordinal(b.text)
    if not o:
        return None
    style, _num, rest = o
    rest = rest.strip()
    if len(rest) > 30 or re.search(r"[。;；]", rest.rstrip("。")) or _BRACKET_START.search(rest):
        return None
    return style


def _paragraph_categories(blocks: list[_Block], items: list[_Item]) -> dict[int, str | None]:
    item_blocks = {it.block: it for it in items}
    out: dict[int, str | None] = {}
    current: dict[str, str] = {}
    last_heading: tuple[str, str] | None = None
    section = object()
    for i, b in enumerate(blocks):
        if b.section != section:
            section = b.section
            last_heading = None
        if i in item_blocks:
            it = item_blocks[i]
            if last_heading and last_heading[0] != it.style:
                out[i] = last_heading[1]
            else:
                out[i] = None
            continue
        style = _is_heading(b)
        if style:
            name = _category_name(b.text)
            last_heading = (style, name)
            current[style] = name
    return out


def _item_project(it: _Item, category: str | None, year: int, deadline: str | None) -> _Project:
    body = it.body.strip()
    name, content = _titled(body)
    units = _parse_bracket(it.bracket) if it.bracket else {"lead": [], "partner": [], "leaders": [], "deadline": []}
    targets = _targets(name, content)
    d = _new_project(it.section, it.ref, category, name, content)
    d["lead_units"] = units["lead"]
    d["partner_units"] = units["partner"]
    d["leaders"] = units["leaders"]
    own = parse_deadline(units["deadline"][0], year) if units["deadline"] and year else None
    d["deadline"] = own or deadline
    d["targets"] = targets
    return _Project(d, (it.block, 0), match_name=name)


def _new_project(section, ref, category, name, content) -> dict:
    return {
        "section": section,
        "ref": ref,
        "category": category,
        "name": name,
        "content": content,
        "lead_units": [],
        "partner_units": [],
        "leaders": [],
        "unit_leaders": [],
        "deadline": None,
        "kind": None,
        "targets": [],
        "milestones": [],
        "allocations": [],
        "funding": None,
    }


def _targets(name: str, content: str | None) -> list:
    out = list(extract_targets(name or ""))
    if content:
        out.extend(extract_targets(content))
    return out


def _heading_before(blocks: list[_Block], bi: int) -> str | None:
    sec = blocks[bi].section
    for k in range(bi - 1, max(-1, bi - 4), -1):
        b = blocks[k]
        if b.section != sec or b.kind != "p":
            return None
        if _is_heading(b):
            return _category_name(b.text)
    return None


# ---------------------------------------------------------------------------- deadline

_DOC_DEADLINE = re.compile(
    r"((?:(?:19|20)\d{2}年)?\d{1,2}月(?:底|末|份|\d{1,2}日)?|(?:19|20)\d{2}年(?:底|末))(?:前|以前|之前)?"
    r"[^,，。;；]{0,6}?(?:全面完成|全部完成|完成全部|完成全年|完成年度|完成所有|全面建成|完成各项|全部建成|全面竣工)"
)


def _document_deadline(blocks: list[_Block], item_blocks: set[int], year: int) -> str | None:
    for i, b in enumerate(blocks):
        if b.kind != "p" or i in item_blocks:
            continue
        for m in _DOC_DEADLINE.finditer(b.text):
            # "6月底前完成全部前期工作" is a step, not the plan's deadline
            if re.match(r"^[^,，。;；]{0,8}?(前期|准备|招标|方案|立项|开工|摸排|选址|设计|部署)", b.text[m.end() :]):
                continue
            d = parse_deadline(m.group(1), year)
            if d:
                return d
    return None


# ---------------------------------------------------------------------------- table projects


def _group_mode(rows: list[list[str]], cols: _Columns) -> bool:
    """目标名称 merged over several rows that each state their own work → the name is a heading."""
    if "category" in cols.roles or "code" in cols.roles or "content" not in cols.roles or "name" not in cols.roles:
        return False
    nj, cj = cols.roles["name"][0], cols.roles["content"][0]
    data = rows[cols.n_head :]
    for a, b in zip(data, data[1:], strict=False):
        if a[nj].strip() and a[nj] == b[nj] and a[cj].strip() and b[cj].strip() and a[cj] != b[cj]:
            return True
    return False


def _seq_is_category_number(rows: list[list[str]], cols: _Columns) -> bool:
    """Whether the 序号 column numbers the categories rather than the items.

    Decided by the values: several items share a number, and the number and the 类别 always
    change together (one number per category and one category per number).
    """
    if "seq" not in cols.roles or "category" not in cols.roles or "name" not in cols.roles:
        return False
    sj, cj, nj = cols.roles["seq"][0], cols.roles["category"][0], cols.roles["name"][0]
    seq_to_cat: dict[str, set[str]] = {}
    cat_to_seq: dict[str, set[str]] = {}
    names_per_seq: dict[str, set[str]] = {}
    for r in rows[cols.n_head :]:
        sv, cv, nv = _squeeze(r[sj]), _squeeze(r[cj]), _squeeze(r[nj])
        if not sv or not cv:
            continue
        seq_to_cat.setdefault(sv, set()).add(cv)
        cat_to_seq.setdefault(cv, set()).add(sv)
        names_per_seq.setdefault(sv, set()).add(nv)
    if not seq_to_cat:
        return False
    shared = any(len(n) > 1 for n in names_per_seq.values())
    one_to_one = all(len(c) == 1 for c in seq_to_cat.values()) and all(len(x) == 1 for x in cat_to_seq.values())
    return shared and one_to_one


def _table_projects(
    bi: int, b: _Block, cols: _Columns, heading: str | None, year: int, deadline: str | None
) -> list[_Project]:
    rows, raw = b.rows, b.raw_rows
    group = _group_mode(rows, cols)
    seq_for_cat = _seq_is_category_number(rows, cols)
    out: list[_Project] = []
    row_heading = None
    seen: set[tuple] = set()
    funding_cols = {r[5:]: js[0] for r, js in cols.roles.items() if r.startswith("fund:")}
    fund_unit_mul = _funding_multiplier(cols)
    for ri in range(cols.n_head, len(rows)):
        row, rrow = rows[ri], raw[ri]
        filled = [c for c in row if c.strip()]
        if not filled:
            continue
        if len(filled) == 1 and len(rows[0]) > 2:
            row_heading = _category_name(filled[0])
            continue
        name = normalize_inline(_first(row, cols, "name"))
        content = normalize_inline(_first(row, cols, "content")) or None
        category = normalize_inline(_first(row, cols, "category"))
        category = _category_name(category) if category else (row_heading or heading)
        if group:
            category, name, content = (name or category), (content or ""), None
        if not name or _none_cell(name):
            continue
        if re.search(r"^(合计|小计|总计)|[(（]合计", name) or re.search(r"合计|小计|总计", category or ""):
            continue
        if name == _squeeze(rows[0][cols.roles["name"][0]]) and ri < cols.n_head + 1:
            continue
        ref = None
        if "code" in cols.roles:
            ref = _first(row, cols, "code") or None
        elif "seq" in cols.roles and not seq_for_cat:
            ref = _first(row, cols, "seq") or None
        if ref is not None:
            ref = _squeeze(ref)
            v = chinese_int(ref.rstrip("、.．"))
            ref = str(v) if v is not None and not re.search(r"\d[-.]\d", ref) else ref
        key = (ref, name, content)
        if key in seen:
            continue
        seen.add(key)
        d = _new_project(b.section, ref, category or None, name, content)
        lead: list[str] = []
        partner: list[str] = []
        for j in cols.roles.get("lead", []):
            if not _none_cell(rrow[j]):
                lo, rest = _split_units(rrow[j])
                # "A（牵头）、B" in a responsibility column: A leads, B is a partner
                lead.extend(lo or rest)
                partner.extend(rest if lo else [])
        for j in cols.roles.get("partner", []):
            if not _none_cell(rrow[j]):
                lo, rest = _split_units(rrow[j])
                partner.extend(lo + rest)
        d["lead_units"], d["partner_units"] = lead, partner
        for j in cols.roles.get("leaders", []):
            d["leaders"].extend(_split_people(rrow[j]))
        for j in cols.roles.get("unit_leaders", []):
            d["unit_leaders"].extend(_split_people(rrow[j]))
        kind = _first(row, cols, "kind")
        d["kind"] = _squeeze(kind) if kind and not _none_cell(kind) else None
        d["targets"] = _targets(name, content)
        dl = _first(row, cols, "deadline")
        d["deadline"] = (parse_deadline(dl, year) if dl and year else None) or deadline
        sched = _first(row, cols, "milestones")
        if sched and year:
            d["milestones"] = list(parse_milestones(normalize(sched), year, d["targets"]) or [])
        if cols.quarters and year:
            cells = [(cols.leaves[j], normalize(row[j])) for j in cols.quarters if row[j].strip()]
            if cells:
                d["milestones"] = list(parse_schedule_cells(cells, year, d["targets"]) or [])
        if funding_cols:
            f = {"unit": "万元"}
            for k in ("total", "annual", "superior", "local", "social", "self"):
                j = funding_cols.get(k)
                v = parse_number(_squeeze(row[j])) if j is not None and re.match(r"^\s*\d", row[j]) else None
                f[k] = _num(v * fund_unit_mul) if v is not None else None
            d["funding"] = f
        out.append(_Project(d, (bi, ri), from_table=bi, match_name=name))
    return out


def _funding_multiplier(cols: _Columns) -> float:
    text = "".join(
        h
        for h, j in zip(cols.headers, range(len(cols.headers)), strict=False)
        if any(j in js for r, js in cols.roles.items() if r.startswith("fund:"))
    )
    if "亿元" in text:
        return 10000.0
    if re.search(r"(?<!万)元", text) and "万元" not in text:
        return 0.0001
    return 1.0


# ---------------------------------------------------------------------------- decomposition


def _decomposition_groups(b: _Block, cols: _Columns) -> list[dict]:
    rows = b.rows
    groups: list[dict] = []
    for ri in range(cols.n_head, len(rows)):
        row = rows[ri]
        if not any(c.strip() for c in row):
            continue
        name = normalize_inline(_first(row, cols, "name"))
        ref = _squeeze(_first(row, cols, "seq") or _first(row, cols, "code")) or None
        if name and re.search(r"^(合计|小计|总计)", name):
            continue
        qty = _first(row, cols, "quantity")
        allocs = []
        for j in cols.regions:
            f = _figure(row[j])
            if f is None:
                continue
            region = cols.leaves[j]
            allocs.append((region, f[0], f[1]))
        g = groups[-1] if groups else None
        same = g is not None and ((ref and g["ref"] == ref) or (not ref and name and g["names"][-1] == name))
        if not same:
            if not name:
                continue
            g = {
                "ref": ref,
                "names": [name],
                "rows": [],
                "lead": _first(row, cols, "lead"),
                "partner": _first(row, cols, "partner"),
                "content": normalize_inline(_first(row, cols, "content")) or None,
                "category": _category_name(_first(row, cols, "category")) or None,
                "row": ri,
            }
            groups.append(g)
        elif name and name not in g["names"]:
            g["names"].append(name)
        g["rows"].append({"qty": qty, "name": name, "allocs": allocs})
    return groups


def _key(s: str) -> str:
    return re.sub(r"[“”\"‘’'《》()（）\[\]【】,，、。;；:：\s·]", "", s or "")


def _match_score(a: str, b: str) -> float:
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    if len(short) >= 6 and short in long_:
        return 0.9
    return difflib.SequenceMatcher(None, ka, kb).ratio()


def _merge_decomposition(
    bi: int, groups: list[dict], projects: list[_Project], section: str | None, year: int, deadline: str | None
) -> None:
    candidates = [p for p in projects if p.from_table != bi]
    pairs = []
    for gi, g in enumerate(groups):
        for pi, p in enumerate(candidates):
            s = max(_match_score(n, p.match_name or p.data["name"]) for n in g["names"])
            if len(g["names"]) > 1:
                s = max(s, _match_score("".join(g["names"]), p.match_name or p.data["name"]))
            if s >= 0.75:
                pairs.append((s, gi, pi))
    pairs.sort(key=lambda x: -x[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    target_of: dict[int, _Project] = {}
    for _s, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        target_of[gi] = candidates[pi]
    for gi, g in enumerate(groups):
        p = target_of.get(gi)
        if p is None:
            name = g["names"][0]
            full = "".join(g["names"]) if len(g["names"]) > 1 else name
            d = _new_project(section, g["ref"], g["category"], full, g["content"])
            lo, rest = _split_units(g["lead"]) if g["lead"] and not _none_cell(g["lead"]) else ([], [])
            d["lead_units"], d["partner_units"] = (lo, rest) if lo else (rest, [])
            if g["partner"] and not _none_cell(g["partner"]):
                lo2, rest2 = _split_units(g["partner"])
                d["partner_units"] += lo2 + rest2
            d["targets"] = _targets(d["name"], d["content"])
            d["deadline"] = deadline
            p = _Project(d, (bi, g["row"]), from_table=bi, match_name=d["name"])
            projects.append(p)
        _add_allocations(p.data, g)


def _add_allocations(d: dict, g: dict) -> None:
    targets = d.get("targets") or []
    for k, r in enumerate(g["rows"]):
        tidx = None
        q = _figure(r["qty"]) if r["qty"] else None
        if q is not None:
            for ti, t in enumerate(targets):
                if _num(t.get("value")) == q[0] and (not q[1] or _unit_key(q[1]) == _unit_key(t.get("unit"))):
                    tidx = ti
                    break
            if tidx is None and q[1]:
                for ti, t in enumerate(targets):
                    if _unit_key(q[1]) == _unit_key(t.get("unit")):
                        tidx = ti
                        break
        if tidx is None and targets:
            tidx = k if k < len(targets) else 0
        tunit = targets[tidx].get("unit") if tidx is not None else (q[1] if q else None)
        for region, value, unit in r["allocs"]:
            d["allocations"].append({"region": region, "value": value, "unit": unit or tunit or None, "target": tidx})
