"""进展情况通报 in Word: the notice's figures poured into a .docx template with docxtpl.

The red-headed layout, the fonts, every sentence and every table of the notice are in the
template (``templates_docx/notice.docx``, or the one a plan's coordinators uploaded); the code
only hands it the figures of ``notice.notice_figures`` plus what a template cannot work out
itself (each status's share) and the ways a figure is printed (``pct``, ``cn_number``, ``cn_date``).

Templates are written by the office, so they are rendered in Jinja's sandbox (no reaching into
Python from a tag) and with autoescaping (a project named "A&B" must not break the XML). An
unknown name is an error, not an empty string: a misspelt tag is caught when the template is
uploaded, not found months later as a blank in a published notice.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from minsheng.core.word import cn_date, cn_number, pct

TEMPLATES = Path(__file__).parent / "templates_docx"
DEFAULT_TEMPLATE = TEMPLATES / "notice.docx"
# A small plan's figures with every section filled: what an uploaded template is tried on.
SAMPLE_FIGURES = TEMPLATES / "sample_figures.json"


class NoticeTemplateError(Exception):
    """A template that does not make a notice; the message is for the office that wrote it."""


class _Headings:
    """``{{ heading() }}`` → 一, 二, 三…: the chapters are numbered as they are printed, so a section
    the notice leaves out (no districts, no key projects) leaves no gap in the numbering."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return cn_number(self.count)


def _cn_date(iso: str) -> str:
    return cn_date(datetime.date.fromisoformat(iso))


def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(pct=pct, cn_number=cn_number, cn_date=_cn_date)
    return env


def docx_context(figures: dict) -> dict:
    """The figures as the template reads them (every key of ``notice_figures``), plus the summary rows."""
    total = figures["total"]
    return {
        **figures,
        "summary": [{"status": status, "label": figures["status_labels"][status], "count": n,
                     "share": n / total * 100 if total else 0.0}
                    for status, n in figures["counts"].items()],
        "total_share": 100.0 if total else 0.0,
        "heading": _Headings(),
    }


def sample_figures() -> dict:
    return json.loads(SAMPLE_FIGURES.read_text(encoding="utf-8"))


def default_template_bytes() -> bytes:
    return DEFAULT_TEMPLATE.read_bytes()


def render_docx(figures: dict, template: bytes | None = None) -> bytes:
    """The notice as a .docx from ``template`` (the shipped one if None)."""
    doc = DocxTemplate(io.BytesIO(template if template is not None else default_template_bytes()))
    try:
        doc.render(docx_context(figures), jinja_env=environment(), autoescape=True)
    except TemplateError as exc:
        raise NoticeTemplateError(_explain(exc)) from exc
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def check_template(template: bytes) -> None:
    """Refuse a template that cannot make a notice: rendered once with the sample figures."""
    try:
        render_docx(sample_figures(), template)
    except NoticeTemplateError:
        raise
    except Exception as exc:  # docxtpl and python-docx raise many types for a damaged document
        raise NoticeTemplateError(_("模板无法生成通报（%(error)s），请从默认模板开始修改") % {"error": exc}) from exc


def _near(exc: TemplateError) -> str:
    # docxtpl keeps the text of the lines around a syntax error, with the XML stripped.
    lines = [line.strip() for line in getattr(exc, "docx_context", []) or []]
    return "".join(line for line in lines if line)[:80]


def _explain(exc: TemplateError) -> str:
    if isinstance(exc, UndefinedError):
        match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
        name = next((g for g in (match.groups() if match else ()) if g), exc.message)
        return _("模板中的“%(name)s”不是通报的数据项，请检查 {{ }} 中的名称拼写") % {"name": name}
    if isinstance(exc, SecurityError):
        return _("模板中的标签使用了不允许的写法：%(error)s") % {"error": exc.message}
    if isinstance(exc, TemplateSyntaxError):
        near = _near(exc)
        where = _("，出错处附近的文字：“%(near)s”") % {"near": near} if near else ""
        return _("模板中的标签有误（%(error)s）%(where)s。请检查 {{ }}、{%% %%} 是否成对，"
                 "表格中的循环是否写成 {%%tr for … %%} 与 {%%tr endfor %%}") % {"error": exc.message, "where": where}
    return _("模板无法生成通报：%(error)s") % {"error": exc.message or type(exc).__name__}
