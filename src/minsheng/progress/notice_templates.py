"""A plan's own notice template: the one in use, an upload checked before anything is saved, a return to the default.

An office makes its template from the one it downloads here (the shipped one, or its last upload),
so the tags stay those the notice's figures fill.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.core.uploads import UploadRejected, check_document, stored_files
from minsheng.plans.models import Plan
from minsheng.progress.models import NoticeTemplate
from minsheng.progress.notice_docx import check_template, default_template_bytes

# A notice template is text and tables: a few hundred kilobytes. More means pictures nobody needs.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def current_template(plan: Plan) -> NoticeTemplate | None:
    """The plan's uploaded template in use, or None when the notices use the shipped one."""
    latest = plan.notice_templates.order_by("-uploaded_at", "-pk").first()
    return latest if latest is not None and latest.file else None


def template_bytes(plan: Plan) -> bytes | None:
    """The plan's template to render its notices with; None for the shipped one."""
    template = current_template(plan)
    if template is None:
        return None
    with template.file.open("rb") as f:
        return f.read()


def download_bytes(plan: Plan) -> bytes:
    """The template the plan's notices are made with now, for the office to start from."""
    return template_bytes(plan) or default_template_bytes()


def upload_template(plan: Plan, upload: UploadedFile, user) -> NoticeTemplate:
    """Check ``upload`` (a real .docx that makes a notice from the sample figures) and put it in use.

    Raises UploadRejected or NoticeTemplateError, with nothing saved.
    """
    checked = check_document(upload, max_bytes=MAX_TEMPLATE_BYTES)
    if checked.extension != "docx":
        raise UploadRejected(_("通报模板应为 Word(.docx) 文件：“%(name)s”不是") % {"name": checked.name})
    upload.seek(0)
    check_template(upload.read())
    upload.seek(0)
    with stored_files() as files, transaction.atomic():
        template = NoticeTemplate(plan=plan, name=checked.name, uploaded_by=user)
        files.save(template.file, checked)
        template.save()
    return template


def reset_template(plan: Plan, user) -> NoticeTemplate | None:
    """Back to the shipped template (recorded in the history); None if it is already in use."""
    if current_template(plan) is None:
        return None
    return NoticeTemplate.objects.create(plan=plan, uploaded_by=user)
