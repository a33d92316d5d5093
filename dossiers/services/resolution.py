"""The actions after the desk (the fee is in `fees`): stopping or ending, the result and its
return, deadlines, apology, and the citizen's withdrawal. The specialist's way to a result,
through the leader's approval, is in `approval`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import receipts
from dossiers.constants import DossierStatus, EventAction, ProposalOutcome
from dossiers.models import Dossier, DossierEvent
from dossiers.services.common import (
    Actor,
    close_proposal,
    close_review,
    lock,
    notify,
    receiving_officer_id,
    record,
    require_no_open_supplement,
    require_reason,
)
from dossiers.services.delivery import postal_item_send
from dossiers.services.files import files_removed_on_failure, store
from dossiers.uploads import CheckedUpload
from procedures.constants import ResultDelivery


@transaction.atomic
def dossier_stop(*, dossier_id: int, actor: Actor, reason: str) -> DossierEvent:
    require_reason(reason, _("Vui lòng ghi rõ lý do dừng xử lý."))
    dossier = lock(dossier_id, actor, EventAction.STOP)
    now = timezone.now()
    dossier.supplements.filter(closed_at__isnull=True).update(closed_at=now)
    close_proposal(dossier, actor, ProposalOutcome.CLOSED, now=now, note=reason)
    event = record(
        dossier,
        actor,
        EventAction.STOP,
        fields=["pending_proposal"],
        to_status=DossierStatus.STOPPED,
        note=reason,
        now=now,
    )
    notify(dossier, "dossier_stopped", reason=reason)
    return event


@transaction.atomic
def dossier_end(*, dossier_id: int, actor: Actor, reason: str) -> DossierEvent:
    """End a dossier without a result ("Kết thúc") because the citizen did not supplement it
    or did not pay as asked. The national codes have no status for it: the dossier takes the
    closest, 8 "Dừng xử lý", and the history says "Kết thúc" with the reason."""
    require_reason(reason, _("Vui lòng ghi rõ lý do kết thúc hồ sơ."))
    dossier = lock(dossier_id, actor, EventAction.END)
    now = timezone.now()
    dossier.supplements.filter(closed_at__isnull=True).update(closed_at=now)
    event = record(
        dossier, actor, EventAction.END, to_status=DossierStatus.STOPPED, note=reason, now=now
    )
    notify(dossier, "dossier_ended", reason=reason)
    return event


@transaction.atomic
def dossier_resolve(
    *, dossier_id: int, actor: Actor, result_file: CheckedUpload, note: str = ""
) -> DossierEvent:
    """The leader marks the result ready with the result file they signed (the decision or
    certificate scan), without a proposal; the dossier goes to the desk that accepted it."""
    dossier = lock(dossier_id, actor, EventAction.RESOLVE)
    require_no_open_supplement(dossier)
    now = timezone.now()
    with files_removed_on_failure() as stored:
        dossier.result_file.name = store(result_file, stored)
        dossier.resolved_at = now
        # The result goes back to the desk that received the dossier (from the resolving agency
        # too), to the officer who accepted it, who returns it.
        dossier.current_department, dossier.at_resolving_agency = None, False
        dossier.assignee_id = receiving_officer_id(dossier)
        close_review(dossier, now)
        event = record(
            dossier,
            actor,
            EventAction.RESOLVE,
            fields=[
                "result_file",
                "resolved_at",
                "current_department",
                "at_resolving_agency",
                "assignee",
            ],
            to_status=DossierStatus.RESOLVED,
            note=note,
            now=now,
        )
        notify(dossier, "result_ready", note=note)
    return event


@transaction.atomic
def dossier_return_result(
    *, dossier_id: int, actor: Actor, via: str, postal_item: str = "", note: str = ""
) -> DossierEvent:
    """Hand the result over: in person, online, or to the public postal service as the item
    `postal_item` (its number on VNPost's slip, which the citizen can follow)."""
    if via not in ResultDelivery.values:
        raise ValidationError(_("Hình thức trả kết quả không hợp lệ."), code="delivery")
    dossier = lock(dossier_id, actor, EventAction.RETURN_RESULT)
    now = timezone.now()
    item = postal_item_send(dossier, postal_item, now) if via == ResultDelivery.POST else None
    dossier.returned_at = now
    dossier.returned_via = via
    event = record(
        dossier,
        actor,
        EventAction.RETURN_RESULT,
        fields=["returned_at", "returned_via"],
        to_status=DossierStatus.RETURNED,
        note=note,
        now=now,
    )
    notify(
        dossier,
        "result_returned",
        returned_via=str(ResultDelivery(via).label),
        postal_item=item.number if item else "",
        feedback_url=receipts.rating_url(dossier),
    )
    return event


def _new_appointment(dossier: Dossier, new_due_at: datetime.datetime) -> None:
    """Move the appointment given to the citizen; the legal due date stays (timeliness)."""
    if new_due_at <= timezone.now():
        raise ValidationError(_("Hạn mới phải sau thời điểm hiện tại."), code="due_in_past")
    dossier.appointment_at = new_due_at


@transaction.atomic
def dossier_reset_deadline(
    *, dossier_id: int, actor: Actor, new_due_at: datetime.datetime, reason: str
) -> DossierEvent:
    """Give the citizen a new appointment; the dossier is still judged on the legal due date."""
    require_reason(reason, _("Vui lòng ghi rõ lý do đặt lại hạn."))
    dossier = lock(dossier_id, actor, EventAction.RESET_DEADLINE)
    _new_appointment(dossier, new_due_at)
    return record(
        dossier, actor, EventAction.RESET_DEADLINE, fields=["appointment_at"], note=reason
    )


@transaction.atomic
def dossier_apologize(
    *, dossier_id: int, actor: Actor, new_due_at: datetime.datetime, reason: str
) -> DossierEvent:
    """Tell the citizen the dossier will be late, with a new appointment (Mẫu 04). The dossier
    counts as late from now on, whenever its result comes (timeliness)."""
    require_reason(reason, _("Vui lòng ghi rõ lý do chậm trả kết quả."))
    dossier = lock(dossier_id, actor, EventAction.APOLOGIZE)
    old_due_at = dossier.appointment_at
    _new_appointment(dossier, new_due_at)
    fields = ["appointment_at"]
    if dossier.apologized_at is None:
        dossier.apologized_at = timezone.now()
        fields.append("apologized_at")
    event = record(dossier, actor, EventAction.APOLOGIZE, fields=fields, note=reason)
    notify(
        dossier,
        "apology",
        reason=reason,
        old_due_at=receipts.when(old_due_at),
        new_due_at=receipts.when(new_due_at),
        attachments=[{"provider": "slip_apology", "id": event.pk}],
    )
    return event


@transaction.atomic
def dossier_withdraw(*, dossier_id: int, reason: str = "") -> DossierEvent:
    """The citizen withdraws the dossier (status 7); an open supplement request or a proposal
    awaiting the leader closes."""
    dossier = lock(dossier_id, None, EventAction.WITHDRAW)
    now = timezone.now()
    dossier.supplements.filter(closed_at__isnull=True).update(closed_at=now)
    close_proposal(dossier, None, ProposalOutcome.CLOSED, now=now, note=reason.strip())
    return record(
        dossier,
        None,
        EventAction.WITHDRAW,
        fields=["pending_proposal"],
        to_status=DossierStatus.WITHDRAWN,
        note=reason.strip(),
        now=now,
    )
