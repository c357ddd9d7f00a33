"""Build the shipped template of the 进展情况通报 (src/minsheng/progress/templates_docx/notice.docx).

    PYTHONPATH=src python scripts/build_notice_template.py [OUT.docx]

The template is what an office opens in WPS or Word to make its own: the red-headed layout, the
fonts (as named paragraph styles, so one change restyles the notice), the wording and the tables,
with docxtpl tags where figures go. Run this after changing the layout here and commit the .docx
with it; the output is the same bytes on every run (fixed zip timestamps), so a diff shows whether
the committed template is the one this script makes.

Tags: {{ name }} prints a figure; {%p if/for … %} on a paragraph of its own repeats or drops what
lies between; {%tr for … %} / {%tr endfor %} in a table row of their own repeat the row between.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from minsheng.core.word import (
    BODY_FONT,
    HEADING_FONT,
    RED,
    SUBHEADING_FONT,
    TITLE_FONT,
    official_document,
    red_rule,
    set_font,
    table,
)

OUT = Path(__file__).resolve().parent.parent / "src/minsheng/progress/templates_docx/notice.docx"
NO_LEAD = "（未定牵头单位）"
LEADS = '{{ r.lead_units|join("、") or "' + NO_LEAD + '" }}'
# Fallbacks for machines without the 公文 fonts: Word and WPS substitute by w:altName.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", HEADING_FONT: "SimHei", "宋体": "SimSun"}
CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

# name: (font, size, centred/right, first-line indent, colour, space after)
STYLES = {
    "通报红头": (TITLE_FONT, 26, CENTER, False, RED, 6),
    "通报期数": (BODY_FONT, 16, CENTER, False, None, 6),
    "通报发文": (BODY_FONT, 14, CENTER, False, None, 12),
    "通报标题": (TITLE_FONT, 20, CENTER, False, None, 12),
    "通报主送": (BODY_FONT, 16, None, False, None, 0),
    "通报正文": (BODY_FONT, 16, None, True, None, 0),
    "通报一级标题": (HEADING_FONT, 16, None, True, None, 0),
    "通报二级标题": (SUBHEADING_FONT, 16, None, True, None, 0),
    "通报注": (BODY_FONT, 12, None, True, None, 0),
    "通报落款": (BODY_FONT, 16, RIGHT, False, None, 0),
}


def _styles(doc) -> None:
    for name, (font_name, size, align, indent, color, after) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        set_font(style, font_name)
        style.font.size = Pt(size)
        if color is not None:
            style.font.color.rgb = color
        fmt = style.paragraph_format
        fmt.space_after = Pt(after)
        if align is not None:
            fmt.alignment = align
        if indent:
            fmt.first_line_indent = Pt(size * 2)  # 首行缩进两字


def build() -> bytes:
    doc = official_document()
    _styles(doc)
    doc.core_properties.title = "{{ title }}"
    doc.core_properties.author = "{{ issuer }}"

    def p(text: str, style: str = "通报正文"):
        return doc.add_paragraph(text, style=style)

    def rows(loop: str, cells: list[str]) -> list[list[str]]:
        blank = [""] * (len(cells) - 1)
        return [[f"{{%tr for {loop} %}}", *blank], cells, ["{%tr endfor %}", *blank]]

    p("民生实事项目进展情况通报", "通报红头")
    p("第{{ number }}期", "通报期数")
    red_rule(p("{{ issuer }}　　　　　　{{ issued_on|cn_date }}", "通报发文"))
    p("{{ plan.title }}进展情况（{{ period_label }}）", "通报标题")
    p("各有关单位：", "通报主送")
    p("截至{{ period_label }}底，{{ plan.title }}共{{ total }}个项目，其中已完成{{ counts.done }}个、"
      "超前{{ counts.ahead }}个、正常推进{{ counts.on_track }}个、滞后{{ counts.lagging }}个、"
      "严重滞后{{ counts.critical }}个、未报送{{ counts.missing }}个，全部项目平均完成率{{ percent|pct }}。"
      "{% if overdue_reports %}另有{{ overdue_reports|length }}个项目本期进展逾期未报送"
      "（状态按最近一次采纳的数据判定）。{% endif %}")
    p("{%p if unpublished_years %}")
    p('（{{ unpublished_years|join("年、") }}年节假日安排尚未发布，报送截止日暂按周一至周五计算。）')
    p("{%p endif %}")

    p("{{ heading() }}、总体进展", "通报一级标题")
    table(doc, ["状态", "项目数", "占比"],
          [*rows("s in summary", ["{{ s.label }}", "{{ s.count }}", "{{ s.share|pct }}"]),
           ["合计", "{{ total }}", "{{ total_share|pct }}"]],
          [50, 40, 40])
    p("全部项目平均完成率：{{ percent|pct }}（各项目完成率超过100%的按100%计）。")

    p("{{ heading() }}、分类推进情况", "通报一级标题")
    p("{%p for cat in categories %}")
    p("（{{ loop.index|cn_number }}）{{ cat.name }}：{{ cat.count }}个项目，平均完成率{{ cat.percent|pct }}，"
      "已完成{{ cat.counts.done }}个，滞后（含严重滞后）{{ cat.counts.lagging + cat.counts.critical }}个。",
      "通报二级标题")
    table(doc, ["序号", "项目名称", "牵头单位", "目标任务", "完成率", "序时进度", "状态"],
          rows("r in cat.projects", ["{{ loop.index }}", "{{ r.name }}", LEADS, '{{ r.targets|join("；") or "—" }}',
                                     "{{ r.percent|pct }}", "{{ r.expected_percent|pct }}", "{{ r.status_label }}"]),
          [10, 52, 24, 26, 15, 15, 14])
    p("{%p endfor %}")

    p("{%p if parents %}")
    p("{{ heading() }}、重点项目及其子项目", "通报一级标题")
    p("注：{{ rules.rollup }}", "通报注")
    p("{%p for parent in parents %}")
    p("（{{ loop.index|cn_number }}）{{ parent.name }}{% if parent.voted %}（人大票决）{% endif %}："
      "{{ parent.children|length }}个子项目，完成率{{ parent.percent|pct }}，"
      "序时进度{{ parent.expected_percent|pct }}，{{ parent.status_label }}。", "通报二级标题")
    table(doc, ["序号", "子项目", "牵头单位", "完成率", "序时进度", "状态"],
          rows("r in parent.children", ["{{ r.ref or loop.index }}", "{{ r.name }}", LEADS, "{{ r.percent|pct }}",
                                        "{{ r.expected_percent|pct }}", "{{ r.status_label }}"]),
          [12, 60, 30, 15, 15, 14])
    p("{%p endfor %}")
    p("{%p endif %}")

    p("{{ heading() }}、滞后项目", "通报一级标题")
    p("{%p if lagging %}")
    p("以下{{ lagging|length }}个项目进度滞后于序时进度10个百分点以上（严重滞后为25个百分点以上，"
      "或进度节点逾期30天以上）：")
    table(doc, ["序号", "项目名称", "牵头单位", "分管领导", "完成率", "序时进度", "状态"],
          rows("r in lagging", ["{{ loop.index }}", "{{ r.name }}{% if r.flagged %}（挂牌督办）{% endif %}", LEADS,
                                '{{ r.leaders|join("、") or "—" }}', "{{ r.percent|pct }}",
                                "{{ r.expected_percent|pct }}", "{{ r.status_label }}"]),
          [10, 52, 26, 20, 15, 15, 18])
    p("{%p else %}")
    p("本期无滞后项目。")
    p("{%p endif %}")
    p("{%p if overdue_reports %}")
    p("以下{{ overdue_reports|length }}个项目{{ period_label }}进展逾期未报送（项目状态按最近一次采纳的数据判定）：")
    table(doc, ["序号", "项目名称", "牵头单位", "完成率", "状态"],
          rows("r in overdue_reports", ["{{ loop.index }}", "{{ r.name }}", LEADS, "{{ r.percent|pct }}",
                                        "{{ r.status_label }}"]),
          [10, 70, 40, 18, 18])
    p("{%p endif %}")

    p("{%p if districts %}")
    p("{{ heading() }}、区县推进情况", "通报一级标题")
    table(doc, ["名次", "区县", "分解任务数", "已报送", "平均完成率", "序时进度", "状态", "滞后任务数"],
          rows("d in districts", ['{{ d.rank or "—" }}', "{{ d.name }}", "{{ d.allocations }}", "{{ d.reported }}",
                                  "{{ d.percent|pct }}", "{{ d.expected_percent|pct }}", "{{ d.status_label }}",
                                  "{{ d.lagging }}"]),
          [12, 36, 20, 16, 20, 18, 16, 18])
    p("注：{{ rules.districts }}", "通报注")
    p("{%p endif %}")

    p("{{ heading() }}、牵头单位排名", "通报一级标题")
    p("（一）按完成率", "通报二级标题")
    table(doc, ["名次", "牵头单位", "牵头项目数", "平均完成率", "已完成", "滞后项目数"],
          rows("u in units_by_completion", ["{{ u.rank }}", "{{ u.unit }}", "{{ u.projects }}", "{{ u.percent|pct }}",
                                            "{{ u.done }}", "{{ u.lagging }}"]),
          [14, 50, 22, 24, 18, 22])
    p("注：{{ rules.completion }}", "通报注")
    p("（二）按报送及时率", "通报二级标题")
    table(doc, ["名次", "单位", "应报送", "已报送", "按时报送", "逾期未报", "报送及时率"],
          rows("u in units_by_punctuality", ['{{ u.rank or "—" }}', "{{ u.unit }}", "{{ u.owed }}",
                                             "{{ u.submitted }}", "{{ u.on_time }}", "{{ u.missed }}",
                                             '{% if u.rate is none %}未报送{% else %}{{ u.rate|pct }}{% endif %}']),
          [14, 50, 18, 18, 18, 18, 24])
    p("注：{{ rules.punctuality }}", "通报注")

    p("{{ heading() }}、下步工作要求", "通报一级标题")
    p("各牵头单位要对照年度目标任务和序时进度，逐项排查推进中的困难和问题，确保按期完成。"
      "滞后、严重滞后项目的牵头单位要认真分析原因，制定赶超措施，明确完成时限，"
      "并在下期报送时说明整改进展；分管领导要加强调度，推动项目尽快回归正常进度。"
      "各责任单位要按时、准确报送项目进展情况，报送情况纳入年度考核。")
    p("{{ issuer }}", "通报落款").paragraph_format.space_before = Pt(24)
    p("{{ issued_on|cn_date }}", "通报落款")

    out = io.BytesIO()
    doc.save(out)
    return _reproducible(out.getvalue())


def _font_table(xml: str) -> str:
    entries = "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                      '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                      for name, alt in FALLBACKS.items())
    return re.sub(r"</w:fonts>\s*$", entries + "</w:fonts>", xml)


def _reproducible(data: bytes) -> bytes:
    """The same bytes on every run: zip entries stamped 1980-01-01, and the fonts' fallbacks added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                blob = _font_table(blob.decode("utf-8")).encode("utf-8")
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), blob,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build())
    print(f"wrote {path}")
