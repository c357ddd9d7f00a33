"""A stored run as the office publishes it: a 考核结果通报 (.docx) and its workbook (.xlsx).

The .docx reads like the seeds' notices: masthead, title, a paragraph saying what was assessed and
how, the results by grade (优秀/良好/一般/较差) with the ranking tables, how each component was
scored (weights, and the components left out for want of data), and what follows from the result.
"""

from __future__ import annotations

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Font

from minsheng.assessment import scoring
from minsheng.assessment.models import Run, Score
from minsheng.assessment.selectors import run_scores
from minsheng.core.word import (
    HEADING_FONT,
    RED,
    SUBHEADING_FONT,
    TITLE_FONT,
    cn_date,
    cn_number,
    official_document,
    paragraph,
    red_rule,
    table,
)
from minsheng.progress.notice import issuer

KIND_TITLES = {Score.Kind.UNIT: "单位考核排名", Score.Kind.DISTRICT: "区县考核排名"}
KIND_NAMES = {Score.Kind.UNIT: "单位", Score.Kind.DISTRICT: "区县"}


def _sections(run: Run):
    for kind, title in KIND_TITLES.items():
        yield kind, title, list(run_scores(run, kind))


def grade_order(run: Run) -> list[str]:
    grades = run.grades or scoring.DEFAULT_GRADES
    return [label for label, _ in sorted(grades.items(), key=lambda kv: -float(kv[1]))] + [scoring.LOWEST_GRADE]


def _components(scores: list[Score]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for s in scores:
        for c in s.components.all():
            if c.key != "adjustment":
                seen.setdefault(c.key, c.label)
    return list(seen.items())


def _points(score: Score, key: str) -> str:
    c = next((c for c in score.components.all() if c.key == key), None)
    if c is None or c.value is None:
        return "—"
    return str(c.points)


def run_docx(run: Run) -> bytes:
    plan = run.plan
    doc = official_document()
    office = issuer(plan)
    title = f"关于{plan.year}年度民生实事项目考核结果的通报"
    doc.core_properties.title, doc.core_properties.author = title, office

    masthead = paragraph(doc, office, TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, space_after=12)
    red_rule(masthead)
    paragraph(doc, title, TITLE_FONT, 20, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    paragraph(doc, "各有关单位：")
    sections = list(_sections(run))
    counts = "、".join(f"{len(scores)}个{KIND_NAMES[kind]}" for kind, _, scores in sections if scores)
    components = "、".join(label for key, label in ((c.key, c.label) for c in scoring.COMPONENTS)
                          if (run.weights or {}).get(key))
    paragraph(doc, f"根据《{plan.title}》和年度考核要求，{office}对截至{cn_date(run.on)}承担民生实事项目任务的"
               f"{counts}进行了考核，考核内容包括{components}等方面。现将考核结果通报如下：", indent=True)

    headings = (cn_number(n) for n in range(1, 10))
    paragraph(doc, f"{next(headings)}、考核结果", HEADING_FONT, 16, indent=True)
    order = grade_order(run)
    for i, (kind, _title, scores) in enumerate(sections):
        if not scores:
            continue
        paragraph(doc, f"（{cn_number(i + 1)}）{KIND_NAMES[kind]}", SUBHEADING_FONT, 16, indent=True)
        for grade in order:
            names = [s.name for s in scores if s.grade == grade]
            if names:
                paragraph(doc, f"{grade}（{len(names)}个）：{'、'.join(names)}。", indent=True)
        keys = _components(scores)
        table(doc, ["名次", "名称", *[label for _, label in keys], "总分", "等次"],
               [[str(s.rank), s.name, *[_points(s, k) for k, _ in keys], str(s.total), s.grade] for s in scores],
               [12, 40, *[max(10, 100 // max(len(keys), 1)) for _ in keys], 14, 12])

    paragraph(doc, f"{next(headings)}、评分说明", HEADING_FONT, 16, indent=True)
    for spec in scoring.COMPONENTS:
        weight = (run.weights or {}).get(spec.key)
        if weight:
            paragraph(doc, f"{spec.label}（权重{weight:g}）。", indent=True)
    paragraph(doc, "某项指标对某一考核对象无数据的（如未被督查、无到期进度节点、无评价），该项不计分，"
               "其余指标权重按比例折算为100分，既不奖励也不扣减。", indent=True)
    for note in run.notes or []:
        paragraph(doc, note, indent=True)
    grades = run.grades or scoring.DEFAULT_GRADES
    paragraph(doc, "等次：" + "，".join(f"{label}为{floor:g}分及以上" for label, floor in grades.items())
          + f"，其余为{scoring.LOWEST_GRADE}。", indent=True)

    paragraph(doc, f"{next(headings)}、有关要求", HEADING_FONT, 16, indent=True)
    paragraph(doc, f"对考核等次为{order[0]}的予以通报表扬；对考核等次为{scoring.LOWEST_GRADE}的，"
               "要深入查找原因，于15个工作日内提交书面整改报告。各单位要对照考核反映的问题，"
               "举一反三、建立长效机制，确保民生实事项目取得群众满意的实效。", indent=True)
    paragraph(doc, office, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(doc, cn_date(run.computed_at.date()), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def run_xlsx(run: Run) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for _kind, title, scores in _sections(run):
        keys = _components(scores)
        ws = wb.create_sheet(title)
        ws.append(["名次", "名称", *[label for _, label in keys], "总分", "等次"])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for s in scores:
            row = [s.rank, s.name]
            for key, _ in keys:
                c = next((c for c in s.components.all() if c.key == key), None)
                row.append(float(c.points) if c is not None and c.value is not None else None)
            ws.append([*row, float(s.total), s.grade])
        detail = wb.create_sheet(f"{title}明细")
        detail.append(["名称", "指标", "权重", "指标得分", "折算分", "说明"])
        for s in scores:
            for c in s.components.all():
                detail.append([s.name, c.label, float(c.weight) if c.weight is not None else None,
                               float(c.value) if c.value is not None else None,
                               float(c.points) if c.value is not None or c.key == "adjustment" else None,
                               c.inputs.get("reason") or c.inputs.get("rule", "")])
    notes = wb.create_sheet("评分说明")
    notes.append(["指标", "权重", "依据"])
    for spec in scoring.COMPONENTS:
        notes.append([spec.label, (run.weights or {}).get(spec.key), spec.basis])
    for label, floor in (run.grades or scoring.DEFAULT_GRADES).items():
        notes.append([f"{label}分数线", floor, ""])
    for note in run.notes or []:
        notes.append([note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
