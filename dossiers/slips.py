"""The one-stop slips Mẫu 02–05 as PDFs (Thông tư 01/2018/TT-VPCP forms). Mẫu 01 is in
receipts.py, the register Mẫu 06 in register.py."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from core.siteurl import site_url
from dossiers import timeliness
from dossiers.constants import EventAction
from dossiers.models import Dossier, DossierEvent, SupplementRequest
from officers.constants import Role
from officers.selectors import leader_of, user_roles


def _base(dossier: Dossier, dated: datetime.datetime | None = None) -> dict:
    """What every slip prints: the issuer's heading, the dossier, and the date (the moment the
    slip records, in local time; today when it records none)."""
    return {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "agency": dossier.receiving_agency,
        "dated": timezone.localtime(dated) if dated else timezone.localtime(),
    }


def person_name(user) -> str:
    """A user as a slip names them: the full name, the username only if there is none."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def supplement_slip(request: SupplementRequest) -> bytes:
    """Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    dossier = request.dossier
    officer = getattr(request.requested_by, "officer", None) if request.requested_by else None
    return render_pdf(
        "dossiers/slips/supplement.html",
        {
            **_base(dossier, request.requested_at),
            "request": request,
            "officer_name": person_name(request.requested_by),
            "profile": officer,
            "portal_url": site_url(),
        },
    )


def refusal_slip(event: DossierEvent) -> bytes:
    """Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    return render_pdf(
        "dossiers/slips/refusal.html", {**_base(event.dossier, event.created_at), "event": event}
    )


def apology_slip(event: DossierEvent) -> bytes:
    """Mẫu 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả, signed by the head of the agency: the
    leader who issued it, or else the agency's leader."""
    previous = (
        event.dossier.events.filter(created_at__lte=event.created_at, pk__lt=event.pk)
        .exclude(appointment_at=None)
        .order_by("-created_at", "-pk")
        .first()
    )
    agency = event.dossier.receiving_agency
    signer = event.actor if event.actor and Role.LEADER in user_roles(event.actor) else None
    return render_pdf(
        "dossiers/slips/apology.html",
        {
            **_base(event.dossier, event.created_at),
            "event": event,
            "old_due_at": previous.appointment_at if previous else None,
            "new_due_at": event.appointment_at,
            "signer": person_name(signer or leader_of(agency)),
        },
    )


HAND_OVER = {
    EventAction.ACCEPT,
    EventAction.FORWARD,
    EventAction.FORWARD_AGENCY,
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
    """One row per hand-over: from which unit to which, when, by whom to whom (people's names),
    judged against the legal due date in force at that moment (dossiers.timeliness); the result
    itself as the lookup and the statistics judge it."""
    rows = []
    events = [e for e in dossier.events.all() if e.action in HAND_OVER]
    for previous, event in zip([None, *events], events, strict=False):
        if event.action == EventAction.RESOLVE and dossier.resolved_at is not None:
            state = timeliness.judge_result(dossier)
        else:
            state = timeliness.judge_at(event.created_at, event.due_at)
        result = timeliness.label(state)
        unit = event.agency.name if event.agency else ""
        rows.append(
            {
                "event": event,
                "at": timezone.localtime(event.created_at),
                "from": previous.agency.name if previous and previous.agency else _("Công dân"),
                "to": unit,
                "giver": event.actor_name,
                # A proposal to no one in particular goes to the agency's leadership.
                "receiver": person_name(event.assignee)
                or (_("Lãnh đạo cơ quan") if event.action == EventAction.PROPOSE else unit),
                "result": result,
            }
        )
    return rows


def control_slip(dossier: Dossier) -> bytes:
    """Mẫu 05 Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    return render_pdf(
        "dossiers/slips/control.html", {**_base(dossier), "rows": control_rows(dossier)}
    )


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
