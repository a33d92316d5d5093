"""The one-stop slips as PDFs (Thông tư 01/2018/TT-VPCP forms) and the register export."""

import csv
import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from dossiers.constants import EventAction
from dossiers.models import Dossier, DossierEvent, SupplementRequest
from dossiers.receipts import when


def _base(dossier: Dossier) -> dict:
    return {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "agency": dossier.receiving_agency,
        "today": timezone.localdate(),
    }


def supplement_slip(request: SupplementRequest) -> bytes:
    """Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    dossier = request.dossier
    officer = getattr(request.requested_by, "officer", None) if request.requested_by else None
    return render_pdf(
        "dossiers/slips/supplement.html",
        {**_base(dossier), "request": request, "officer": request.requested_by, "profile": officer},
    )


def refusal_slip(event: DossierEvent) -> bytes:
    """Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    return render_pdf("dossiers/slips/refusal.html", {**_base(event.dossier), "event": event})


def apology_slip(event: DossierEvent) -> bytes:
    """Mẫu 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả."""
    previous = (
        event.dossier.events.filter(created_at__lte=event.created_at, pk__lt=event.pk)
        .exclude(due_at=None)
        .order_by("-created_at", "-pk")
        .first()
    )
    return render_pdf(
        "dossiers/slips/apology.html",
        {
            **_base(event.dossier),
            "event": event,
            "old_due_at": previous.due_at if previous else None,
            "new_due_at": event.due_at,
        },
    )


HAND_OVER = {
    EventAction.ACCEPT,
    EventAction.FORWARD,
    EventAction.RETURN_PREVIOUS,
    EventAction.PROPOSE,
    EventAction.APPROVE,
    EventAction.SEND_BACK,
    EventAction.RECALL,
    EventAction.END,
    EventAction.RESOLVE,
    EventAction.RETURN_RESULT,
    EventAction.SUPPLEMENT,
    EventAction.REQUEST_SUPPLEMENT,
    EventAction.CONFIRM_FEE,
    EventAction.REQUEST_FEE,
}


def control_rows(dossier: Dossier) -> list[dict]:
    """One row per hand-over, each judged against the due date in force at that moment."""
    rows = []
    events = [e for e in dossier.events.all() if e.action in HAND_OVER]
    for previous, event in zip([None, *events], events, strict=False):
        due = event.due_at
        if due is None:
            result = ""
        elif timezone.localdate(event.created_at) < timezone.localdate(due):
            result = _("Trước hạn")
        elif event.created_at <= due:
            result = _("Đúng hạn")
        else:
            result = _("Quá hạn")
        rows.append(
            {
                "event": event,
                "from": previous.agency.name if previous and previous.agency else _("Công dân"),
                "from_person": previous.assignee or previous.actor_name if previous else "",
                "to": event.agency.name if event.agency else "",
                # A proposal to no one in particular goes to the agency's leadership.
                "to_person": event.assignee
                or (_("Lãnh đạo cơ quan") if event.action == EventAction.PROPOSE else ""),
                "result": result,
            }
        )
    return rows


def control_slip(dossier: Dossier) -> bytes:
    """Mẫu 05 Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    return render_pdf(
        "dossiers/slips/control.html", {**_base(dossier), "rows": control_rows(dossier)}
    )


REGISTER_COLUMNS = [
    _("Mã hồ sơ"),
    _("Trích yếu"),
    _("Số bộ"),
    _("Chủ hồ sơ"),
    _("Địa chỉ"),
    _("Điện thoại"),
    _("Ngày nhận"),
    _("Hẹn trả"),
    _("Ngày trả"),
    _("Cán bộ tiếp nhận"),
]


def register_rows(dossiers) -> list[list[str]]:
    """Mẫu 06 Sổ theo dõi hồ sơ: one row per dossier."""
    return [
        [
            dossier.code,
            dossier.procedure.name,
            "1",
            dossier.applicant_name,
            dossier.applicant_address,
            dossier.applicant_phone,
            when(dossier.received_at or dossier.submitted_at),
            when(dossier.due_at),
            when(dossier.returned_at),
            getattr(dossier, "receiving_officer", "") or "",
        ]
        for dossier in dossiers
    ]


def register_csv(dossiers) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column) for column in REGISTER_COLUMNS])
    writer.writerows(register_rows(dossiers))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def register_xlsx(dossiers, *, start: datetime.date, end: datetime.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Sổ theo dõi hồ sơ")[:31]
    sheet.append([_("SỔ THEO DÕI HỒ SƠ (Mẫu 06)")])
    sheet.append(
        [
            _("Từ ngày %(start)s đến ngày %(end)s")
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        ]
    )
    sheet.append([str(column) for column in REGISTER_COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in register_rows(dossiers):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def supplement_attachment(request_id: int):
    request = SupplementRequest.objects.select_related(
        "dossier__procedure", "dossier__receiving_agency__province", "requested_by__officer"
    ).get(pk=request_id)
    return (
        f"phieu-yeu-cau-bo-sung-{request.dossier.code}.pdf",
        supplement_slip(request),
        "application/pdf",
    )


def _event(event_id: int) -> DossierEvent:
    return DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__receiving_agency__province", "actor"
    ).get(pk=event_id)


def refusal_attachment(event_id: int):
    event = _event(event_id)
    return f"phieu-tu-choi-{event.dossier.code}.pdf", refusal_slip(event), "application/pdf"


def apology_attachment(event_id: int):
    event = _event(event_id)
    return f"phieu-xin-loi-{event.dossier.code}.pdf", apology_slip(event), "application/pdf"
