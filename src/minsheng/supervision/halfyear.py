"""半年一报告: the half-year report to the People's Congress, as a Word document.

Every figure comes from ``halfyear_figures`` (``plan_progress`` at 30 June, the findings and their
rectification as of that day, the deputies' questions and the units' answers); the document is
rendered from that dict only, so a test can hold the document against the database.
"""

from __future__ import annotations

import datetime
import io

from docx import Document
from docx.shared import Pt

from minsheng.plans.models import Plan
from minsheng.progress.selectors import plan_progress
from minsheng.progress.status import STATUS_LABELS
from minsheng.supervision.models import Finding
from minsheng.supervision.selectors import finding_facts, questions, summarize

STATE_LABELS = dict(Finding.State.choices)


def halfyear_figures(plan: Plan) -> dict:
    on = datetime.date(plan.year, 6, 30)
    progress = plan_progress(plan, on)
    fact_list = finding_facts(plan, on)
    facts = {f.id: f for f in fact_list}
    findings = Finding.objects.filter(pk__in=facts).select_related("unit", "project", "inspection").order_by("id")
    return {
        "title": f"关于{plan.year}年{plan.region.name}民生实事项目上半年实施情况的报告",
        "on": on.isoformat(),
        "projects": len(progress.projects),
        "mean_percent": progress.mean_percent(),
        "counts": {STATUS_LABELS[s]: n for s, n in progress.counts().items()},
        "rows": [{"name": p.project.name, "units": "、".join(p.lead_units), "percent": p.percent_capped,
                  "expected": p.expected_percent, "status": p.status_label} for p in progress.projects],
        "rectification": summarize(fact_list),
        "findings": [{"id": f.pk, "date": f.inspection.date.isoformat(), "project": f.project.name if f.project else "",
                      "description": f.description, "unit": str(f.unit), "deadline": f.deadline.isoformat(),
                      "state": str(STATE_LABELS[facts[f.pk].state])} for f in findings],
        "questions": [{"asked_by": q.asked_by, "unit": str(q.unit), "question": q.question, "answer": q.answer}
                      for q in questions(plan, on)],
    }


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)


def render_docx(figures: dict) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(figures["title"], level=1)
    counts = "，".join(f"{k}{v}个" for k, v in figures["counts"].items() if v)
    doc.add_paragraph(f"截至{figures['on']}，{figures['projects']}个项目平均完成{figures['mean_percent']}%；{counts}。")
    doc.add_heading("一、项目进展", level=2)
    _table(doc, ["项目", "牵头单位", "完成率(%)", "序时进度(%)", "状态"],
           [[r["name"], r["units"], r["percent"], r["expected"], r["status"]] for r in figures["rows"]])
    r = figures["rectification"]
    doc.add_heading("二、督查发现问题及整改情况", level=2)
    doc.add_paragraph(f"督查发现问题{r['total']}个，已整改销号{r['closed']}个，已报整改待核验{r['reported']}个，"
                      f"待整改{r['open']}个，其中超期{r['overdue']}个。")
    _table(doc, ["督查日期", "项目", "问题", "责任单位", "整改时限", "整改状态"],
           [[f["date"], f["project"], f["description"], f["unit"], f["deadline"], f["state"]]
            for f in figures["findings"]])
    doc.add_heading("三、代表询问及答复", level=2)
    _table(doc, ["询问代表", "答复单位", "询问内容", "答复"],
           [[q["asked_by"], q["unit"], q["question"], q["answer"] or "（待答复）"] for q in figures["questions"]])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
