"""The one-stop desk's actions: accept or refuse, supplements, hand-overs, assignment, notes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import deadlines, receipts
from dossiers.constants import DossierStatus, EventAction
from dossiers.models import Dossier, DossierDocument, DossierEvent, DossierNote, SupplementRequest
from dossiers.services.common import (
    Actor,
    close_review,
    lock,
    notify,
    record,
    require_no_open_supplement,
    require_reason,
)
from dossiers.services.files import files_removed_on_failure, store
from dossiers.uploads import CheckedUpload
from officers import selectors as officer_selectors
from procedures.models import Agency
from procedures.selectors import procedure_resolving_agency


@transaction.atomic
def dossier_accept(*, dossier_id: int, actor: Actor, note: str = "") -> DossierEvent:
    """Accept a new dossier: the receipt is issued and the clock starts now."""
    dossier = lock(dossier_id, actor, EventAction.ACCEPT)
    now = timezone.now()
    dossier.received_at = now
    started = deadlines.start(dossier, now)
    if dossier.assignee_id is None:
        dossier.assignee = actor
    dossier.receipt = ""  # Mẫu 01 is rendered from this acceptance
    event = record(
        dossier,
        actor,
        EventAction.ACCEPT,
        fields=["received_at", *started, "assignee", "receipt"],
        to_status=DossierStatus.ACCEPTED,
        note=note,
        now=now,
    )
    close_review(dossier, now)
    # Mẫu 01 is issued now, with the acceptance time and this officer's name (receipts).
    notify(
        dossier,
        "dossier_accepted",
        received_at=receipts.when(now),
        attachments=[{"provider": "dossier_receipt", "id": dossier.pk}],
    )
    return event


@transaction.atomic
def dossier_refuse(*, dossier_id: int, actor: Actor, reason: str) -> DossierEvent:
    """Refuse a dossier at intake, with the reason the citizen reads on Mẫu 03."""
    require_reason(reason, _("Vui lòng ghi rõ lý do từ chối."))
    dossier = lock(dossier_id, actor, EventAction.REFUSE)
    event = record(dossier, actor, EventAction.REFUSE, to_status=DossierStatus.REFUSED, note=reason)
    notify(
        dossier,
        "dossier_refused",
        reason=reason,
        attachments=[{"provider": "slip_refusal", "id": event.pk}],
    )
    return event


@transaction.atomic
def dossier_request_supplement(
    *, dossier_id: int, actor: Actor, documents: list[str], reason: str
) -> DossierEvent:
    """Ask the citizen for documents (Mẫu 02); the clock stops until they answer."""
    documents = [name.strip() for name in documents if name.strip()]
    if not documents or not reason.strip():
        raise ValidationError(
            _("Vui lòng nêu các giấy tờ cần bổ sung và lý do."), code="supplement_incomplete"
        )
    dossier = lock(dossier_id, actor, EventAction.REQUEST_SUPPLEMENT)
    now = timezone.now()
    request = SupplementRequest.objects.create(
        dossier=dossier,
        documents=documents,
        reason=reason,
        from_status=dossier.status,
        requested_by=actor,
        requested_at=now,
    )
    close_review(dossier, now)
    event = record(
        dossier,
        actor,
        EventAction.REQUEST_SUPPLEMENT,
        fields=deadlines.pause(
            dossier, EventAction.REQUEST_SUPPLEMENT, DossierStatus.SUPPLEMENT_REQUESTED, now
        ),
        to_status=DossierStatus.SUPPLEMENT_REQUESTED,
        note=reason,
        now=now,
    )
    notify(
        dossier,
        "supplement_requested",
        reason=reason,
        documents=documents,
        supplement_url=receipts.supplement_url(request),
        attachments=[{"provider": "slip_supplement", "id": request.pk}],
    )
    return event


@transaction.atomic
def dossier_receive_supplement(
    *,
    dossier_id: int,
    actor: Actor = None,
    note: str = "",
    files: list[tuple[CheckedUpload, str]] = (),
) -> DossierEvent:
    """Record the supplement (online by the citizen, `actor` None, or at the desk by an officer).

    The dossier goes back to the status it had, and its due date moves by the working time spent
    waiting. The request is closed: its link stops working.
    """
    dossier = lock(dossier_id, actor, EventAction.SUPPLEMENT)
    request = dossier.supplements.select_for_update().get(closed_at__isnull=True)
    now = timezone.now()
    request.answered_at = request.closed_at = now
    request.answer_note = note
    request.save(update_fields=["answered_at", "closed_at", "answer_note"])
    with files_removed_on_failure() as stored:
        for checked, document_name in files:
            DossierDocument.objects.create(
                dossier=dossier,
                document=None,
                document_name=document_name or _("Giấy tờ bổ sung"),
                file=store(checked, stored),
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
            )
    return record(
        dossier,
        actor,
        EventAction.SUPPLEMENT,
        fields=deadlines.resume(dossier, now),
        to_status=request.from_status,
        note=note,
        now=now,
    )


@transaction.atomic
def dossier_forward(
    *, dossier_id: int, actor: Actor, department: Agency, assignee: Actor = None, note: str = ""
) -> DossierEvent:
    """Hand the dossier to a department of the agency holding it, optionally to one officer."""
    dossier = lock(dossier_id, actor, EventAction.FORWARD)
    if not officer_selectors.departments_of(dossier.holder).filter(pk=department.pk).exists():
        raise ValidationError(
            _("Phòng, ban này không thuộc cơ quan đang xử lý hồ sơ."), code="department"
        )
    if (
        assignee is not None
        and not officer_selectors.officers_of(department).filter(pk=assignee.pk).exists()
    ):
        raise ValidationError(_("Cán bộ này không thuộc phòng, ban đã chọn."), code="assignee")
    require_no_open_supplement(dossier)
    now = timezone.now()
    dossier.current_department = department
    dossier.assignee = assignee
    close_review(dossier, now)
    return record(
        dossier,
        actor,
        EventAction.FORWARD,
        fields=["current_department", "assignee"],
        to_status=DossierStatus.PROCESSING,
        note=note,
        now=now,
    )


# The steps that hand a dossier from one holder to another, which "Trả lại bước trước" undoes.
HAND_OVERS = [
    EventAction.ACCEPT,
    EventAction.FORWARD,
    EventAction.FORWARD_AGENCY,
    EventAction.RETURN_PREVIOUS,
]


@transaction.atomic
def dossier_forward_agency(*, dossier_id: int, actor: Actor, note: str = "") -> DossierEvent:
    """Send the dossier to the agency that resolves its procedure in this province (liên thông):
    its officers process it, and the result comes back to this desk, which returns it."""
    dossier = lock(dossier_id, actor, EventAction.FORWARD_AGENCY)
    resolving = procedure_resolving_agency(
        procedure=dossier.procedure, agency=dossier.receiving_agency
    )
    if resolving is None or dossier.at_resolving_agency:
        raise ValidationError(
            _("Thủ tục này do chính cơ quan tiếp nhận giải quyết: không có cơ quan liên thông."),
            code="no_resolving_agency",
        )
    require_no_open_supplement(dossier)
    now = timezone.now()
    dossier.resolving_agency, dossier.at_resolving_agency = resolving, True
    dossier.current_department, dossier.assignee = None, None
    close_review(dossier, now)
    return record(
        dossier,
        actor,
        EventAction.FORWARD_AGENCY,
        fields=["resolving_agency", "at_resolving_agency", "current_department", "assignee"],
        to_status=DossierStatus.PROCESSING,
        note=note,
        now=now,
    )


@transaction.atomic
def dossier_return_previous(*, dossier_id: int, actor: Actor, note: str) -> DossierEvent:
    """Send the dossier back to whoever held it before the last hand-over."""
    require_reason(note, _("Vui lòng ghi rõ lý do trả lại."))
    dossier = lock(dossier_id, actor, EventAction.RETURN_PREVIOUS)
    steps = []
    for event in (
        dossier.events.filter(action__in=[*HAND_OVERS, EventAction.PROPOSE, EventAction.RECALL])
        .select_related("agency")
        .order_by("created_at", "pk")
    ):
        if event.action == EventAction.RECALL:
            if steps:
                steps.pop()  # the hand-over it took back: a recall takes back the last step
        else:
            steps.append(event)
    # A proposal no longer awaiting was sent back or recalled: the holder is as before it.
    hand_overs = [step for step in steps if step.action != EventAction.PROPOSE]
    if len(hand_overs) < 2:
        raise ValidationError(_("Không có bước trước để trả lại."), code="no_previous_step")
    previous = hand_overs[-2]
    # Back across agencies too: from the resolving agency to the desk that forwarded it.
    resolving = dossier.resolving_agency
    dossier.at_resolving_agency = resolving is not None and (
        previous.agency is not None and previous.agency.path.startswith(resolving.path)
    )
    is_department = previous.agency_id != dossier.holder_id
    dossier.current_department = previous.agency if is_department else None
    dossier.assignee_id = previous.assignee_id
    return record(
        dossier,
        actor,
        EventAction.RETURN_PREVIOUS,
        fields=["current_department", "assignee", "at_resolving_agency"],
        note=note,
    )


@transaction.atomic
def dossier_assign(*, dossier_id: int, actor: Actor, assignee: Actor) -> DossierEvent:
    """Give the dossier to one officer of its agency; nothing changes if it is theirs already."""
    dossier = lock(dossier_id, actor, EventAction.ASSIGN)
    if not officer_selectors.has_agency(assignee, dossier.holder_id):
        raise ValidationError(
            _("Cán bộ này không thuộc cơ quan đang xử lý hồ sơ."), code="assignee"
        )
    if dossier.assignee_id == assignee.pk:
        return dossier.events.last()
    dossier.assignee = assignee
    return record(dossier, actor, EventAction.ASSIGN, fields=["assignee"])


@transaction.atomic
def dossier_note_add(*, dossier_id: int, actor: Actor, text: str) -> DossierNote:
    if not text.strip():
        raise ValidationError(_("Ghi chú trống."), code="empty_note")
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None or not officer_selectors.can_access(actor, dossier):
        raise ValidationError(_("Không tìm thấy hồ sơ."), code="not_found")
    return DossierNote.objects.create(dossier=dossier, author=actor, text=text.strip())
