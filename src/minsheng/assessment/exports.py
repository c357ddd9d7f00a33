"""A stored run as .docx and .xlsx: the rankings, then each subject's components with their points."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import Workbook

from minsheng.assessment.models import Run, Score
from minsheng.assessment.selectors import run_scores

KIND_TITLES = {Score.Kind.UNIT: "单位考核排名", Score.Kind.DISTRICT: "区县考核排名"}


def _sections(run: Run):
    for kind, title in KIND_TITLES.items():
        yield title, list(run_scores(run, kind))


def run_docx(run: Run) -> bytes:
    doc = Document()
    doc.add_heading(f"{run.plan.title} 年终考核结果（截至{run.on:%Y-%m-%d}）", level=1)
    for title, scores in _sections(run):
        doc.add_heading(title, level=2)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["名次", "名称", "得分"], strict=True):
            cell.text = text
        for s in scores:
            for cell, text in zip(table.add_row().cells, [str(s.rank), s.name, str(s.total)], strict=True):
                cell.text = text
        for s in scores:
            doc.add_paragraph(f"{s.rank}. {s.name}：{s.total}分 = " + " + ".join(
                f"{c.label}{c.points}" for c in s.components.all()))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def run_xlsx(run: Run) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, scores in _sections(run):
        ws = wb.create_sheet(title)
        ws.append(["名次", "名称", "得分"])
        for s in scores:
            ws.append([s.rank, s.name, float(s.total)])
        detail = wb.create_sheet(f"{title}明细")
        detail.append(["名称", "指标", "权重", "指标得分", "折算分", "说明"])
        for s in scores:
            for c in s.components.all():
                detail.append([s.name, c.label, float(c.weight) if c.weight is not None else None,
                               float(c.value) if c.value is not None else None, float(c.points),
                               c.inputs.get("reason") or c.inputs.get("rule", "")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
