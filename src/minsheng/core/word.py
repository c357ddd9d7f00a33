"""Building blocks of a Chinese official document (公文) in Word, and the way such documents write figures.

The assessment's results notice is drawn with these; the progress notice's template is generated
with them once (``scripts/build_notice_template.py``) and then filled by docxtpl. Page and fonts
follow GB/T 9704: A4, 37/35/28/26 mm margins, titles in 方正小标宋简体, body in 仿宋_GB2312,
headings in 黑体 and 楷体_GB2312.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
RED = RGBColor(0xC0, 0x00, 0x00)
TABLE_BODY, TABLE_HEAD = "通报表格", "通报表头"


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三: the numbering of headings, up to 99."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


def pct(value: float | None) -> str:
    """A percentage as documents print it: one decimal, a dash when there is no figure."""
    return "—" if value is None else f"{value:.1f}%"


def set_font(target, name: str) -> None:
    """A run's or a style's font, East Asian text included.

    Word picks the East Asian font from w:eastAsia; without it Chinese text falls back to the default.
    """
    target.font.name = name
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    set_font(run, name)
    run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if color is not None:
        run.font.color.rgb = color


def official_document():
    """An empty A4 document with the 公文 margins, the body font and the table styles."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    set_font(doc.styles["Normal"], BODY_FONT)
    table_styles(doc)
    return doc


def paragraph(doc, text: str = "", font_name: str = BODY_FONT, size: float = 16, bold: bool = False,
              align=None, indent: bool = False, color: RGBColor | None = None, space_after: float = 0):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
    p.paragraph_format.space_after = Pt(space_after)
    if text:
        font(p.add_run(text), font_name, size, bold, color)
    return p


def red_rule(p) -> None:
    """The red line under a notice's masthead (a bottom border on the paragraph)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def table_styles(doc) -> None:
    # Cell text takes its font from a paragraph style: formatting every run of a 200-row table
    # one by one is most of the time a document takes.
    for name, font_name in ((TABLE_BODY, TABLE_FONT), (TABLE_HEAD, HEADING_FONT)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        set_font(style, font_name)
        style.font.size = Pt(10.5)
        style.paragraph_format.space_after = Pt(0)
    doc.styles[TABLE_HEAD].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def table(doc, header: list[str], rows: Iterable[list[str]], widths: list[float]):
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Set by id on the XML: python-docx's style setter scans every style for each paragraph.
    head, body = doc.styles[TABLE_HEAD].style_id, doc.styles[TABLE_BODY].style_id
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.paragraphs[0]._p.style = head
        cell.paragraphs[0].add_run(text)
    # The header row repeats on every page a long table runs onto.
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    t.rows[0]._tr.get_or_add_trPr().append(flag)
    for values in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0]._p.style = body
            cell.paragraphs[0].add_run(text)
    for row in t.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    return t
