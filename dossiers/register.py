"""Mẫu 06 Sổ theo dõi hồ sơ: the register of a desk, as an Excel workbook or a CSV file.

Text a citizen typed (a name, an address) is written as text, never as a formula: a value such as
`=HYPERLINK(…)` would otherwise come alive when an officer opens the file in Excel
(core.exports, which every export of the portal goes through).
"""

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import csv_bytes, xlsx_append
from dossiers import timeliness
from dossiers.models import Dossier

COLUMN_WIDTHS = [5, 26, 40, 6, 24, 30, 13, 28, 16, 16, 16, 16, 10, 24]


def register_columns() -> list[str]:
    return [
        _("STT"),
        _("Mã hồ sơ"),
        _("Nội dung (tên thủ tục)"),
        _("Số bộ"),
        _("Chủ hồ sơ"),
        _("Địa chỉ"),
        _("Điện thoại"),
        _("Cơ quan chủ trì giải quyết"),
        _("Ngày nhận"),
        _("Hẹn trả"),
        _("Ngày có kết quả"),
        _("Ngày trả"),
        _("Ký nhận"),
        _("Ghi chú"),
    ]


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A naive local datetime, as a spreadsheet's date cell holds it."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# The states the register notes: a result's, and a dossier late or waiting for the citizen.
NOTED = {
    timeliness.EARLY,
    timeliness.ON_TIME,
    timeliness.LATE,
    timeliness.OVERDUE,
    timeliness.PAUSED,
}


def _note(dossier: Dossier, *, now, soon) -> str:
    """Refused, or the dossier's state against its legal due date, and the receiving officer."""
    if getattr(dossier, "refused_at", None):
        return _("Từ chối tiếp nhận (Mẫu 03)")
    parts = []
    state = timeliness.judge(dossier, now=now, soon=soon)
    if state in NOTED:
        parts.append(timeliness.label(state))
    if dossier.apologized_at:
        parts.append(_("đã xin lỗi, hẹn lại (Mẫu 04)"))
    officer = getattr(dossier, "receiving_officer", "") or ""
    if officer:
        parts.append(_("Cán bộ tiếp nhận: %(name)s") % {"name": officer})
    return "; ".join(parts)


def register_rows(dossiers) -> list[list]:
    """One row per dossier, dates as datetimes (local); a refused dossier has no appointment.
    Every row is judged at the same moment (the working-day limit of "due soon" once)."""
    now = timezone.now()
    soon = timeliness.due_soon_limit(now)
    rows = []
    for number, dossier in enumerate(dossiers, start=1):
        refused = bool(getattr(dossier, "refused_at", None))
        resolving = dossier.resolving_agency or dossier.receiving_agency
        rows.append(
            [
                number,
                dossier.code,
                dossier.procedure.name,
                1,
                dossier.applicant_name,
                dossier.applicant_address,
                dossier.applicant_phone,
                resolving.name,
                _local(getattr(dossier, "registered_at", None) or dossier.received_at),
                None if refused else _local(dossier.appointment_at),
                _local(dossier.resolved_at),
                _local(dossier.returned_at),
                "",
                _note(dossier, now=now, soon=soon),
            ]
        )
    return rows


def register_csv(dossiers) -> bytes:
    return csv_bytes([register_columns(), *register_rows(dossiers)])


def register_xlsx(dossiers, *, start: datetime.date, end: datetime.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Sổ theo dõi hồ sơ")[:31]
    xlsx_append(sheet, [_("SỔ THEO DÕI HỒ SƠ (Mẫu 06)")])
    xlsx_append(
        sheet,
        [
            _("Tiếp nhận từ ngày %(start)s đến ngày %(end)s")
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        ],
    )
    xlsx_append(sheet, register_columns())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in register_rows(dossiers):
        xlsx_append(sheet, row)
    for letter, width in zip("ABCDEFGHIJKLMN", COLUMN_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
