"""Word 2007+ (.docx) → Document.

python-docx opens and validates the package, but the body is walked as raw XML: its
high-level API hides what a plan needs — automatic list numbers ("一、", "1.") live in
numbering.xml rather than in the text, merged cells are only visible as ``vMerge`` and
``gridSpan``, and text boxes, content controls and tracked changes need deciding on.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minsheng.core.numerals import chinese

from ..document import Document, IngestError, Paragraph, Table
from ..limits import Budget

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (
    _q("p"), _q("tbl"), _q("tr"), _q("tc"), _q("sdt"), _q("sdtContent"), _q("customXml"),
)
T, TAB, BR, CR, NB_HYPHEN = _q("t"), _q("tab"), _q("br"), _q("cr"), _q("noBreakHyphen")
TXBX = _q("txbxContent")
VAL = _q("val")

# Subtrees whose text is not part of what the reader of the printed document sees: tracked
# deletions, the VML duplicate of every DrawingML text box, ruby annotations, and text boxes
# (collected separately so their paragraphs do not run into the host paragraph's text).
_SKIP = {
    _q("del"), _q("moveFrom"), _q("rt"), f"{{{MC}}}Fallback", TXBX, _q("pPr"), _q("rPr"),
    _q("instrText"), _q("delText"), _q("footnoteReference"), _q("endnoteReference"),
}

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(n: int, capital: bool = False) -> str:
    # Word's Chinese counting formats stop at 9999; past that it writes the digits.
    return chinese(n, capital) if 0 < n < 10000 else str(n)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    # Word repeats the letter past Z: aa, bb, ...
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalZero") or not fmt:
        return f"{n:02d}" if fmt == "decimalZero" and n < 10 else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return _chinese(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return _chinese(n, capital=True)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) - ord("0") + ord("０")) for c in str(n))
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """Renders Word's automatic list numbers, which python-docx does not expose as text."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, docx_doc: Any) -> _Numbering:
        numbering = cls()
        try:
            root = docx_doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            for absn in root.iter(_q("abstractNum")):
                levels: dict[int, _Level] = {}
                for lvl in absn.iter(_q("lvl")):
                    level = _Level()
                    fmt = lvl.find(_q("numFmt"))
                    if fmt is not None:
                        level.fmt = fmt.get(VAL, "decimal")
                    text = lvl.find(_q("lvlText"))
                    if text is not None:
                        level.text = text.get(VAL, "")
                    start = lvl.find(_q("start"))
                    if start is not None:
                        level.start = _int(start.get(VAL), 1)
                    levels[_int(lvl.get(_q("ilvl")), 0)] = level
                numbering.abstract[absn.get(_q("abstractNumId"), "")] = levels
            for num in root.iter(_q("num")):
                abstract_id = num.find(_q("abstractNumId"))
                overrides: dict[int, int] = {}
                for override in num.iter(_q("lvlOverride")):
                    start = override.find(_q("startOverride"))
                    if start is not None:
                        overrides[_int(override.get(_q("ilvl")), 0)] = _int(start.get(VAL), 1)
                numbering.nums[num.get(_q("numId"), "")] = (
                    abstract_id.get(VAL, "") if abstract_id is not None else "",
                    overrides,
                )
        numbering._load_styles(docx_doc)
        return numbering

    def _load_styles(self, docx_doc: Any) -> None:
        try:
            styles = docx_doc.part.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        direct: dict[str, tuple[str | None, int | None]] = {}
        based_on: dict[str, str] = {}
        for style in styles.iter(_q("style")):
            sid = style.get(_q("styleId"), "")
            base = style.find(_q("basedOn"))
            if base is not None:
                based_on[sid] = base.get(VAL, "")
            num_pr = style.find(f"{_q('pPr')}/{_q('numPr')}")
            if num_pr is not None:
                direct[sid] = _num_pr(num_pr)
        for sid in set(direct) | set(based_on):
            num_id, ilvl, seen, cur = None, None, set(), sid
            # Walk basedOn until both numId and ilvl are known; a cycle in a broken file must end.
            while cur and cur not in seen:
                seen.add(cur)
                n, lv = direct.get(cur, (None, None))
                num_id = num_id if num_id is not None else n
                ilvl = ilvl if ilvl is not None else lv
                cur = based_on.get(cur, "")
            if num_id:
                self.style_num[sid] = (num_id, ilvl or 0)

    def label(self, p: Any) -> str:
        ppr = p.find(_q("pPr"))
        num_id: str | None = None
        ilvl: int | None = None
        if ppr is not None:
            num_pr = ppr.find(_q("numPr"))
            if num_pr is not None:
                num_id, ilvl = _num_pr(num_pr)
            if num_id is None:
                pstyle = ppr.find(_q("pStyle"))
                if pstyle is not None and pstyle.get(VAL) in self.style_num:
                    sid_num, sid_lvl = self.style_num[pstyle.get(VAL)]
                    num_id = sid_num
                    ilvl = sid_lvl if ilvl is None else ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        ilvl = ilvl or 0
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        # Lists that share an abstract definition share one running count, as Word shows them,
        # unless a num restarts it with a startOverride.
        key = abstract_id if not overrides else f"num:{num_id}"
        counters = self.counters.setdefault(key, {})
        if key not in self.started:
            self.started.add(key)
            counters.clear()
        level = levels.get(ilvl, _Level())
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt in ("bullet", "none"):
            return ""
        text = level.text
        for i in range(9):
            marker = f"%{i + 1}"
            if marker in text:
                lv = levels.get(i, _Level())
                value = counters.get(i, overrides.get(i, lv.start))
                text = text.replace(marker, format_number(value, lv.fmt))
        if text and text[-1].isalnum():
            text += " "
        return text


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _num_pr(num_pr: Any) -> tuple[str | None, int | None]:
    num_id = num_pr.find(_q("numId"))
    ilvl = num_pr.find(_q("ilvl"))
    return (
        num_id.get(VAL) if num_id is not None else None,
        _int(ilvl.get(VAL), 0) if ilvl is not None else None,
    )


def _is_on(el: Any) -> bool:
    return el is not None and el.get(VAL, "true") not in ("0", "false", "off")


class _Walker:
    def __init__(self, numbering: _Numbering, warnings: list[str], budget: Budget) -> None:
        self.numbering = numbering
        self.warnings = warnings
        self.budget = budget

    # -- paragraphs -------------------------------------------------------------------------
    def paragraph_text(self, p: Any) -> str:
        self.budget.tick()
        parts: list[str] = [self.numbering.label(p)]
        self._collect(p, parts)
        return "".join(parts)

    def _collect(self, el: Any, parts: list[str]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == T:
                parts.append(child.text or "")
            elif tag == TAB:
                parts.append(" ")
            elif tag in (BR, CR):
                parts.append("\n")
            elif tag == NB_HYPHEN:
                parts.append("-")
            elif tag == _q("r"):
                rpr = child.find(_q("rPr"))
                # Hidden text is not part of the printed plan.
                if rpr is not None and _is_on(rpr.find(_q("vanish"))):
                    continue
                self._collect(child, parts)
            else:
                self._collect(child, parts)

    def _text_boxes(self, p: Any) -> list[Any]:
        boxes = []
        for box in p.iter(TXBX):
            # A text box inside another text box is reached through its parent box.
            anc = box.getparent()
            nested_or_fallback = False
            while anc is not None and anc is not p:
                if anc.tag in (TXBX, f"{{{MC}}}Fallback"):
                    nested_or_fallback = True
                    break
                anc = anc.getparent()
            if not nested_or_fallback:
                boxes.append(box)
        return boxes

    # -- body flow --------------------------------------------------------------------------
    def flow(self, container: Any, out: list[Paragraph | Table]) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                text = self.paragraph_text(child)
                # A manual line break ends a visual line just as a paragraph does; splitting here
                # gives the same lines a plain-text rendering of the document has.
                for line in text.split("\n"):
                    line = line.strip()
                    if line:
                        out.append(Paragraph(line))
                for box in self._text_boxes(child):
                    self.flow(box, out)
            elif tag == TBL:
                self.table(child, out)
            elif tag in (SDT, CUSTOM_XML, _q("ins"), _q("moveTo")):
                inner = child.find(SDT_CONTENT) if tag == SDT else child
                if inner is not None:
                    self.flow(inner, out)
            elif tag == _q("altChunk"):
                self.warnings.append("文档中嵌入的外部内容（altChunk）未能读取，已忽略。")

    # -- tables -----------------------------------------------------------------------------
    def _rows(self, tbl: Any) -> list[Any]:
        rows: list[Any] = []

        def gather(el: Any) -> None:
            for child in el:
                if child.tag == TR:
                    trpr = child.find(_q("trPr"))
                    if trpr is not None and trpr.find(_q("del")) is not None:
                        continue
                    rows.append(child)
                elif child.tag in (SDT, CUSTOM_XML):
                    gather(child.find(SDT_CONTENT) if child.tag == SDT else child)

        gather(tbl)
        return rows

    def _cells(self, tr: Any) -> list[Any]:
        cells: list[Any] = []

        def gather(el: Any) -> None:
            for child in el:
                if child.tag == TC:
                    cells.append(child)
                elif child.tag in (SDT, CUSTOM_XML):
                    inner = child.find(SDT_CONTENT) if child.tag == SDT else child
                    if inner is not None:
                        gather(inner)

        gather(tr)
        return cells

    def cell_text(self, tc: Any) -> str:
        lines: list[str] = []
        self._cell_lines(tc, lines)
        return "\n".join(lines).strip()

    def _cell_lines(self, container: Any, lines: list[str]) -> None:
        for child in container:
            if child.tag == P:
                lines.append(self.paragraph_text(child).strip())
                for box in self._text_boxes(child):
                    self._cell_lines(box, lines)
            elif child.tag == TBL:
                # A table inside a cell (a small schedule, a funding breakdown) is kept as text of
                # the cell, one line per row, so the outer table keeps its shape.
                for row in self.grid(child):
                    values = [v.replace("\n", " ") for v in row if v]
                    if values:
                        lines.append(" ".join(values))
            elif child.tag in (SDT, CUSTOM_XML, _q("ins"), _q("moveTo")):
                inner = child.find(SDT_CONTENT) if child.tag == SDT else child
                if inner is not None:
                    self._cell_lines(inner, lines)

    def grid(self, tbl: Any) -> list[list[str]]:
        """The table with merges resolved: vMerge repeats downwards, gridSpan leaves ``""``."""
        grid: list[list[str]] = []
        for tr in self._rows(tbl):
            row: list[str] = []
            trpr = tr.find(_q("trPr"))
            if trpr is not None:
                before = trpr.find(_q("gridBefore"))
                if before is not None:
                    skipped = max(0, _int(before.get(VAL), 0))
                    self.budget.spend("max_table_cells", skipped)
                    row.extend([""] * skipped)
            above = grid[-1] if grid else []
            for tc in self._cells(tr):
                tcpr = tc.find(_q("tcPr"))
                span = 1
                vmerge = None
                hmerge = None
                if tcpr is not None:
                    gs = tcpr.find(_q("gridSpan"))
                    if gs is not None:
                        span = max(1, min(_int(gs.get(VAL), 1), 1000))
                    vmerge = tcpr.find(_q("vMerge"))
                    hmerge = tcpr.find(_q("hMerge"))
                # Spans multiply cells: a few thousand <w:tc> spanning 1000 columns each are millions.
                self.budget.spend("max_table_cells", span)
                col = len(row)
                if hmerge is not None and hmerge.get(VAL) != "restart":
                    # Legacy horizontal merge: this cell continues the one to its left.
                    row.extend([""] * span)
                    continue
                if vmerge is not None and vmerge.get(VAL) != "restart":
                    row.append(above[col] if col < len(above) else "")
                else:
                    row.append(self.cell_text(tc))
                row.extend([""] * (span - 1))
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        self.budget.check_grid(len(grid), width)
        for r in grid:
            r.extend([""] * (width - len(r)))
        return grid

    def table(self, tbl: Any, out: list[Paragraph | Table]) -> None:
        rows = self._rows(tbl)
        if not rows:
            return
        single_column = all(len(self._cells(tr)) <= 1 for tr in rows)
        if single_column:
            # A one-column table is a frame drawn around content (a letterhead, a boxed note, a
            # whole document laid out inside a table); its content is read as body text.
            for tr in rows:
                for tc in self._cells(tr):
                    self.flow(tc, out)
            return
        grid = self.grid(tbl)
        if any(any(v for v in r) for r in grid):
            out.append(Table(tuple(tuple(r) for r in grid)))


_MAIN_TYPES = (
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def _as_plain_document(path: Path) -> io.BytesIO:
    plain = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                for main in _MAIN_TYPES:
                    data = data.replace(main, plain)
            dst.writestr(item, data)
    out.seek(0)
    return out


def read_docx(path: Path, name: str | None = None, budget: Budget | None = None) -> Document:
    """Read a .docx file: body paragraphs and tables in order, merged cells resolved.

    ``budget`` bounds the work (its package should already have passed ``limits.scan_package``).
    """
    import docx  # python-docx; imported here so the module loads even where it is not installed

    display = name or Path(path).name
    budget = budget or Budget(display=display)
    try:
        try:
            docx_doc = docx.Document(str(path))
        except ValueError as exc:
            if "content type" not in str(exc):
                raise
            # python-docx only opens plain documents; macro-enabled (.docm) and template
            # (.dotx/.dotm) packages hold the same body under another content type.
            docx_doc = docx.Document(_as_plain_document(Path(path)))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise IngestError(f"“{display}”不是有效的Word文档，文件可能已损坏（{type(exc).__name__}）。") from exc
    except Exception as exc:  # python-docx raises assorted errors (ValueError, lxml errors…)
        raise IngestError(f"无法打开Word文档“{display}”，文件可能已损坏或格式不受支持：{exc}") from exc
    document = Document(source=display)
    try:
        walker = _Walker(_Numbering.load(docx_doc), document.warnings, budget)
        walker.flow(docx_doc.element.body, document.blocks)
    except IngestError:
        raise
    except Exception as exc:  # a malformed body must not surface as an lxml/attribute error
        raise IngestError(f"读取Word文档“{display}”的内容时出错，文件可能已损坏：{exc}") from exc
    return document
