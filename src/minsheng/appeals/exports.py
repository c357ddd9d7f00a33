"""The appeal list as .xlsx: personal columns only when a coordinator asked for them.

Without them, the free text is masked too (core.pii): a number typed into an appeal is as
personal as the phone column.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from minsheng.appeals.models import Appeal
from minsheng.appeals.privacy import shown


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def appeals_workbook(appeals: Iterable[Appeal], personal: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("群众诉求")
    header = [_("查询码"), _("渠道"), _("类别"), _("区划"), _("标题"), _("内容"), _("地址"), _("状态"), _("承办单位"),
              _("提交时间"), _("受理时间"), _("办理时限"), _("答复时间"), _("评价"), _("问题是否解决"), _("重点督办")]
    if personal:
        header += [_("姓名"), _("电话"), _("身份证号")]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for a in appeals:
        private = not personal
        row = [a.code, a.get_channel_display(), a.category.name, a.region.name, shown(a.title, private),
               shown(a.content, private), shown(a.address, private),
               a.state.label, str(a.unit or ""), _when(a.received_at), _when(a.accepted_at), _when(a.handle_due),
               _when(a.answered_at), a.get_rating_display(),
               "" if a.resolved is None else (_("是") if a.resolved else _("否")),
               _("是") if a.key_supervision else ""]
        if personal:
            row += [a.name, a.phone, a.id_number]
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (14, 8, 12, 10, 24, 40, 24, 8, 18, 16), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
