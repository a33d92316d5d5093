"""Every write of the intake wizard and every dossier status change goes through here."""

import datetime
import logging
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import codes, deadlines, receipts, selectors, workflow
from dossiers.constants import CLOCK_RUNNING, DossierStatus, EventAction, WizardStep
from dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierNote,
    Draft,
    DraftFile,
    SupplementRequest,
    upload_path,
)
from dossiers.uploads import CheckedUpload
from notifications.services import notify_dossier
from officers import selectors as officer_selectors
from procedures.constants import FieldType, ResultDelivery
from procedures.models import Agency, Procedure, RequiredDocument
from procedures.selectors import procedure_parts

logger = logging.getLogger(__name__)


def draft_start(*, session_key: str, procedure: Procedure) -> Draft:
    """Open a new draft of `procedure` for the browser session `session_key`."""
    if not procedure.is_online:
        raise ValidationError(_("Thủ tục này chưa nộp hồ sơ trực tuyến được."), code="not_online")
    agencies = selectors.procedure_receiving_agencies(procedure=procedure)
    only = agencies.first() if agencies.count() == 1 else None
    draft = Draft(
        session_key=session_key,
        procedure=procedure,
        agency=only,
        expires_at=_expiry(),
    )
    draft.save()
    return draft


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=settings.DRAFT_TTL_HOURS)


def _save(draft: Draft, fields: list[str]) -> None:
    """Save `fields` of an active draft, pushing its expiry back."""
    draft.expires_at = _expiry()
    draft.save(update_fields=[*fields, "expires_at", "updated_at"])


def draft_set_agency(*, draft: Draft, agency: Agency) -> None:
    if (
        not selectors.procedure_receiving_agencies(procedure=draft.procedure)
        .filter(pk=agency.pk)
        .exists()
    ):
        raise ValidationError(_("Cơ quan này không tiếp nhận thủ tục."), code="agency")
    draft.agency = agency
    _save(draft, ["agency"])


def draft_save_declaration(*, draft: Draft, data: dict) -> None:
    draft.declaration = data
    _save(draft, ["declaration"])


def draft_save_contact(*, draft: Draft, data: dict) -> None:
    draft.contact = data
    _save(draft, ["contact"])


def draft_add_files(
    *, draft: Draft, files: list[tuple[RequiredDocument, list[CheckedUpload]]]
) -> list[DraftFile]:
    """Store the checked uploads of `draft`, keeping the dossier under its total size limit.

    Either every file is stored and recorded, or none is: a failure removes what was written.
    """
    incoming = sum(upload.size for _, uploads in files for upload in uploads)
    limit = settings.UPLOAD_MAX_DOSSIER_MB * 1024 * 1024
    if selectors.draft_total_size(draft=draft) + incoming > limit:
        raise ValidationError(
            _("Tổng dung lượng các tệp của hồ sơ vượt quá %(limit)s MB. Hãy nén hoặc bớt tệp.")
            % {"limit": settings.UPLOAD_MAX_DOSSIER_MB},
            code="dossier_too_large",
        )
    created = []
    with _files_removed_on_failure() as stored, transaction.atomic():
        for document, uploads in files:
            for checked in uploads:
                created.append(
                    DraftFile.objects.create(
                        draft=draft,
                        document=document,
                        file=_store(checked, stored),
                        original_name=checked.name,
                        content_type=checked.content_type,
                        size=checked.size,
                    )
                )
        _save(draft, [])
    return created


def _store(checked: CheckedUpload, stored: list[str]) -> str:
    """Save an upload under a generated name; remember it in `stored`."""
    name = default_storage.save(upload_path(None, f"x.{checked.extension}"), checked.upload)
    stored.append(name)
    return name


@contextmanager
def _files_removed_on_failure():
    """Delete the files stored inside the block if the block fails: no orphan files."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def draft_remove_file(*, draft: Draft, file_id: int) -> None:
    draft_file = DraftFile.objects.filter(draft=draft, pk=file_id).first()
    if draft_file is None:
        return
    name = draft_file.file.name
    draft_file.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


def draft_problems(*, draft: Draft) -> dict[str, list[str]]:
    """Return what still stops `draft` from being submitted, by wizard step (empty when ready)."""
    problems: dict[str, list[str]] = {}
    if draft.agency_id is None:
        problems[WizardStep.AGENCY] = [_("Chưa chọn nơi nộp hồ sơ.")]
    parts = procedure_parts(draft.procedure)
    for definition in parts.fields:
        value = draft.declaration.get(definition.name)
        missing = (
            value in (None, "", False)
            if definition.field_type == FieldType.BOOLEAN
            else (value in (None, ""))
        )
        if definition.required and missing:
            problems.setdefault(WizardStep.DECLARATION, []).append(
                _("Chưa nhập “%(label)s”.") % {"label": definition.label}
            )
    attached = {f.document_id for f in draft.files.all()}
    for document in parts.documents:
        if document.is_required and document.pk not in attached:
            problems.setdefault(WizardStep.ATTACHMENTS, []).append(
                _("Chưa đính kèm “%(name)s”.") % {"name": document.name}
            )
    if not draft.contact:
        problems[WizardStep.CONTACT] = [_("Chưa nhập thông tin liên hệ.")]
    return problems


def _applicant_id_number(procedure: Procedure, declaration: dict) -> str:
    for definition in procedure_parts(procedure).fields:
        if definition.field_type == FieldType.CITIZEN_ID and declaration.get(definition.name):
            return declaration[definition.name]
    return ""


def dossier_submit(*, draft_token: uuid.UUID) -> Dossier:
    """Turn a complete draft into a dossier with status 1; idempotent per draft.

    Runs in one transaction: the code, the dossier, its files, its first event and the
    confirmation message are written together or not at all. A second call for the same draft
    (double click, reload, replayed POST) returns the dossier the first one created.
    """
    with transaction.atomic():
        draft = (
            Draft.objects.select_for_update(of=("self",))
            .select_related("procedure", "agency")
            .filter(token=draft_token)
            .first()
        )
        if draft is None:
            raise ValidationError(_("Không tìm thấy hồ sơ nháp."), code="not_found")
        if draft.dossier_id is not None:
            return draft.dossier  # a replayed submission reads nothing more
        prefetch_related_objects([draft], "files")
        problems = draft_problems(draft=draft)
        if problems:
            raise ValidationError(
                [message for messages in problems.values() for message in messages],
                code="incomplete",
            )
        procedure, agency, contact = draft.procedure, draft.agency, draft.contact
        now = timezone.now()
        dossier = Dossier.objects.create(
            code=f"~{uuid.uuid4().hex[:28]}",  # provisional: the real code is allocated last
            procedure=procedure,
            receiving_agency=agency,
            status=DossierStatus.NEW,
            applicant_name=contact["ho_ten"],
            applicant_email=contact["email"],
            applicant_phone=contact["dien_thoai"],
            applicant_address=contact["dia_chi"],
            applicant_id_number=_applicant_id_number(procedure, draft.declaration),
            delivery=contact["nhan_ket_qua"],
            declaration=draft.declaration,
            submitted_at=now,
            due_at=deadlines.calendar().due_at(procedure, now),
        )
        required = {document.pk: document for document in procedure_parts(procedure).documents}
        documents = DossierDocument.objects.bulk_create(
            DossierDocument(
                dossier=dossier,
                document=(document := required.get(draft_file.document_id) or draft_file.document),
                document_name=document.name,
                file=draft_file.file.name,
                original_name=draft_file.original_name,
                content_type=draft_file.content_type,
                size=draft_file.size,
            )
            for draft_file in draft.files.all()
        )
        # The files now belong to the dossier; the draft keeps only the link to it.
        draft.files.all().delete()
        event = DossierEvent.objects.create(
            dossier=dossier,
            action=EventAction.SUBMIT,
            from_status=None,
            to_status=DossierStatus.NEW,
            actor_name=dossier.applicant_name,
            agency=agency,
            created_at=now,
        )
        draft.dossier = dossier
        draft.save(update_fields=["dossier", "updated_at"])
        # The code last: the agency's sequence row stays locked from here until the commit, so
        # submissions to one agency queue only for these few statements.
        dossier.code = codes.dossier_code_allocate(agency=agency, day=timezone.localdate(now))
        # An update, not save(): the post_save receivers (back-office counts, lookup page) ran for
        # the insert above and have nothing more to do for a new dossier's code.
        Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code)
        notify_dossier(
            dossier=dossier,
            event=event,
            template="dossier_submitted",
            summary=receipts.dossier_summary(dossier, documents=documents),
            attachments=[{"provider": "dossier_receipt", "id": dossier.pk}],
        )
    return dossier


def dossier_receipt_pdf(*, dossier: Dossier) -> bytes:
    """Return the dossier's receipt (Mẫu 01), rendering and storing it the first time only."""
    if not dossier.receipt:
        with transaction.atomic():
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure", "receiving_agency__province")
                .get(pk=dossier.pk)
            )
            if not locked.receipt:
                content = receipts.render_receipt(locked)
                locked.receipt.save(f"{locked.code}.pdf", ContentFile(content), save=False)
                locked.save(update_fields=["receipt", "updated_at"])
            dossier.receipt = locked.receipt
    with dossier.receipt.open("rb") as handle:
        return handle.read()


def procedures_refresh_usage(*, days: int = 365) -> int:
    """Set each procedure's usage count to its dossiers of the last `days` days; return changes.

    Counted in the background rather than on every submission, so that submissions of a popular
    procedure do not queue on one procedure row.
    """
    since = timezone.now() - datetime.timedelta(days=days)
    counts = dict(
        Dossier.objects.filter(submitted_at__gte=since)
        .values_list("procedure")
        .annotate(n=Count("pk"))
    )
    changed = []
    for procedure in Procedure.objects.only("pk", "usage_count").iterator():
        count = counts.get(procedure.pk, 0)
        if procedure.usage_count != count:
            procedure.usage_count = count
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["usage_count"], batch_size=500)
    return len(changed)


def drafts_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete expired drafts and the files nobody submitted; return how many drafts went."""
    now = now or timezone.now()
    expired = Draft.objects.filter(expires_at__lt=now)
    with transaction.atomic():
        names = list(DraftFile.objects.filter(draft__in=expired).values_list("file", flat=True))
        _, deleted = expired.delete()
        count = deleted.get(Draft._meta.label, 0)
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    logger.info("Purged %s expired drafts and %s files", count, len(names))
    return count


# --- Back-office: one function per officer action ------------------------------------------
# Each locks the dossier row, refuses an illegal transition with a clear message and no change,
# saves with update_fields, appends an event, and queues the citizen's message after commit.


def _lock(dossier_id: int, actor, action: str) -> Dossier:
    """Return the locked dossier if `actor` may do `action` on it now, else raise."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "receiving_agency", "current_department", "assignee")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None or (actor is not None and not officer_selectors.can_access(actor, dossier)):
        raise ValidationError(_("Không tìm thấy hồ sơ."), code="not_found")
    roles = {workflow.CITIZEN} if actor is None else officer_selectors.user_roles(actor)
    rule = workflow.TRANSITIONS[action]
    if dossier.status not in rule.sources:
        raise ValidationError(
            _("Không thể “%(action)s” hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": EventAction(action).label, "status": dossier.get_status_display()},
            code="illegal_transition",
        )
    if not rule.roles & roles:
        raise ValidationError(
            _("Vai trò của bạn không được thực hiện “%(action)s”.")
            % {"action": EventAction(action).label},
            code="forbidden",
        )
    return dossier


def _record(
    dossier: Dossier,
    actor,
    action: str,
    *,
    fields: list[str] = (),
    to_status: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> DossierEvent:
    """Save the changed `fields` (and the new status) and append the event to the history."""
    from_status = dossier.status
    if to_status is not None:
        dossier.status = to_status
    dossier.save(update_fields=[*fields, "status", "updated_at"])
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor,
        actor_name=_actor_name(actor, dossier),
        agency=dossier.current_department or dossier.receiving_agency,
        assignee=dossier.assignee,
        due_at=dossier.due_at,
        note=note,
        created_at=now or timezone.now(),
    )


def _actor_name(actor, dossier: Dossier) -> str:
    if actor is None:
        return dossier.applicant_name
    return actor.get_full_name() or actor.get_username()


def _notify(dossier: Dossier, event: DossierEvent, template: str, **context) -> None:
    attachments = context.pop("attachments", None)
    notify_dossier(
        dossier=dossier,
        event=event,
        template=template,
        extra_context=context,
        attachments=attachments,
    )


def _require_reason(text: str, message: str) -> None:
    """Refuse an action whose reason (which the citizen or the next officer reads) is blank."""
    if not text.strip():
        raise ValidationError(message, code="reason_required")


def _close_review(dossier: Dossier, now: datetime.datetime) -> None:
    """An officer acting on a supplemented dossier takes it out of the "đã bổ sung" queue."""
    dossier.supplements.filter(answered_at__isnull=False, reviewed_at__isnull=True).update(
        reviewed_at=now
    )


@transaction.atomic
def dossier_accept(*, dossier_id: int, actor, note: str = "") -> Dossier:
    """Accept a new dossier: the receipt is issued and the clock starts now."""
    dossier = _lock(dossier_id, actor, EventAction.ACCEPT)
    now = timezone.now()
    dossier.received_at = now
    dossier.due_at = deadlines.calendar().due_at(dossier.procedure, now)
    if dossier.assignee_id is None:
        dossier.assignee = actor
    dossier.receipt = ""  # re-issued with the confirmed appointment
    event = _record(
        dossier,
        actor,
        EventAction.ACCEPT,
        fields=["received_at", "due_at", "assignee", "receipt"],
        to_status=DossierStatus.ACCEPTED,
        note=note,
        now=now,
    )
    _close_review(dossier, now)
    _notify(
        dossier,
        event,
        "dossier_accepted",
        attachments=[{"provider": "dossier_receipt", "id": dossier.pk}],
    )
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier_id: int, actor, reason: str) -> Dossier:
    """Refuse a dossier at intake, with the reason the citizen reads on Mẫu 03."""
    _require_reason(reason, _("Vui lòng ghi rõ lý do từ chối."))
    dossier = _lock(dossier_id, actor, EventAction.REFUSE)
    event = _record(
        dossier, actor, EventAction.REFUSE, to_status=DossierStatus.REFUSED, note=reason
    )
    _notify(
        dossier,
        event,
        "dossier_refused",
        reason=reason,
        attachments=[{"provider": "slip_refusal", "id": event.pk}],
    )
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *, dossier_id: int, actor, documents: list[str], reason: str
) -> SupplementRequest:
    """Ask the citizen for documents (Mẫu 02); the clock stops until they answer."""
    documents = [name.strip() for name in documents if name.strip()]
    if not documents or not reason.strip():
        raise ValidationError(
            _("Vui lòng nêu các giấy tờ cần bổ sung và lý do."), code="supplement_incomplete"
        )
    dossier = _lock(dossier_id, actor, EventAction.REQUEST_SUPPLEMENT)
    now = timezone.now()
    request = SupplementRequest.objects.create(
        dossier=dossier,
        documents=documents,
        reason=reason,
        from_status=dossier.status,
        requested_by=actor,
        requested_at=now,
    )
    _close_review(dossier, now)
    event = _record(
        dossier,
        actor,
        EventAction.REQUEST_SUPPLEMENT,
        to_status=DossierStatus.SUPPLEMENT_REQUESTED,
        note=reason,
        now=now,
    )
    _notify(
        dossier,
        event,
        "supplement_requested",
        reason=reason,
        documents=documents,
        supplement_url=receipts.supplement_url(request),
        attachments=[{"provider": "slip_supplement", "id": request.pk}],
    )
    return request


@transaction.atomic
def dossier_receive_supplement(
    *, dossier_id: int, actor=None, note: str = "", files: list[tuple[CheckedUpload, str]] = ()
) -> Dossier:
    """Record the supplement (online by the citizen, `actor` None, or at the desk by an officer).

    The dossier goes back to the status it had, and its due date moves by the working time spent
    waiting. The request is closed: its link stops working.
    """
    dossier = _lock(dossier_id, actor, EventAction.SUPPLEMENT)
    request = dossier.supplements.select_for_update().get(closed_at__isnull=True)
    now = timezone.now()
    request.answered_at = request.closed_at = now
    request.answer_note = note
    request.save(update_fields=["answered_at", "closed_at", "answer_note"])
    with _files_removed_on_failure() as stored:
        for checked, document_name in files:
            DossierDocument.objects.create(
                dossier=dossier,
                document=None,
                document_name=document_name or _("Giấy tờ bổ sung"),
                file=_store(checked, stored),
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
            )
    fields = []
    if dossier.due_at and request.from_status in CLOCK_RUNNING:
        waited = deadlines.calendar().working_seconds_between(request.requested_at, now)
        dossier.due_at = deadlines.calendar().add_working_hours(dossier.due_at, waited / 3600)
        fields.append("due_at")
    _record(
        dossier,
        actor,
        EventAction.SUPPLEMENT,
        fields=fields,
        to_status=request.from_status,
        note=note,
        now=now,
    )
    return dossier


def _require_no_open_supplement(dossier: Dossier) -> None:
    if dossier.supplements.filter(closed_at__isnull=True).exists():
        raise ValidationError(
            _("Hồ sơ đang chờ công dân bổ sung, chưa thể xử lý tiếp."), code="supplement_open"
        )


@transaction.atomic
def dossier_forward(*, dossier_id: int, actor, department: Agency, assignee=None, note: str = ""):
    """Hand the dossier to a department of the receiving agency, optionally to one officer."""
    dossier = _lock(dossier_id, actor, EventAction.FORWARD)
    if (
        not officer_selectors.departments_of(dossier.receiving_agency)
        .filter(pk=department.pk)
        .exists()
    ):
        raise ValidationError(
            _("Phòng, ban này không thuộc cơ quan tiếp nhận hồ sơ."), code="department"
        )
    if (
        assignee is not None
        and not officer_selectors.officers_of(department).filter(pk=assignee.pk).exists()
    ):
        raise ValidationError(_("Cán bộ này không thuộc phòng, ban đã chọn."), code="assignee")
    _require_no_open_supplement(dossier)
    now = timezone.now()
    dossier.current_department = department
    dossier.assignee = assignee
    _close_review(dossier, now)
    return _record(
        dossier,
        actor,
        EventAction.FORWARD,
        fields=["current_department", "assignee"],
        to_status=DossierStatus.PROCESSING,
        note=note,
        now=now,
    )


@transaction.atomic
def dossier_return_previous(*, dossier_id: int, actor, note: str) -> DossierEvent:
    """Send the dossier back to whoever held it before the last hand-over."""
    _require_reason(note, _("Vui lòng ghi rõ lý do trả lại."))
    dossier = _lock(dossier_id, actor, EventAction.RETURN_PREVIOUS)
    hand_overs = list(
        dossier.events.filter(
            action__in=[EventAction.ACCEPT, EventAction.FORWARD, EventAction.RETURN_PREVIOUS]
        )
        .select_related("agency", "assignee")
        .order_by("-created_at", "-pk")[:2]
    )
    if len(hand_overs) < 2:
        raise ValidationError(_("Không có bước trước để trả lại."), code="no_previous_step")
    previous = hand_overs[1]
    is_department = previous.agency_id != dossier.receiving_agency_id
    dossier.current_department = previous.agency if is_department else None
    dossier.assignee = previous.assignee
    return _record(
        dossier,
        actor,
        EventAction.RETURN_PREVIOUS,
        fields=["current_department", "assignee"],
        note=note,
    )


@transaction.atomic
def dossier_assign(*, dossier_id: int, actor, assignee) -> DossierEvent:
    dossier = _lock(dossier_id, actor, EventAction.ASSIGN)
    if not officer_selectors.can_access(assignee, dossier):
        raise ValidationError(_("Cán bộ này không thuộc cơ quan của hồ sơ."), code="assignee")
    if dossier.assignee_id == assignee.pk:
        return dossier.events.last()
    dossier.assignee = assignee
    return _record(dossier, actor, EventAction.ASSIGN, fields=["assignee"])


@transaction.atomic
def dossier_request_fee(*, dossier_id: int, actor, note: str = "") -> DossierEvent:
    dossier = _lock(dossier_id, actor, EventAction.REQUEST_FEE)
    return _record(
        dossier, actor, EventAction.REQUEST_FEE, to_status=DossierStatus.FEE_REQUESTED, note=note
    )


@transaction.atomic
def dossier_confirm_fee(*, dossier_id: int, actor, note: str = "") -> DossierEvent:
    dossier = _lock(dossier_id, actor, EventAction.CONFIRM_FEE)
    return _record(
        dossier, actor, EventAction.CONFIRM_FEE, to_status=DossierStatus.PROCESSING, note=note
    )


@transaction.atomic
def dossier_stop(*, dossier_id: int, actor, reason: str) -> DossierEvent:
    _require_reason(reason, _("Vui lòng ghi rõ lý do dừng xử lý."))
    dossier = _lock(dossier_id, actor, EventAction.STOP)
    now = timezone.now()
    dossier.supplements.filter(closed_at__isnull=True).update(closed_at=now)
    event = _record(
        dossier, actor, EventAction.STOP, to_status=DossierStatus.STOPPED, note=reason, now=now
    )
    _notify(dossier, event, "dossier_stopped", reason=reason)
    return event


@transaction.atomic
def dossier_resolve(*, dossier_id: int, actor, result_file, note: str = "") -> DossierEvent:
    """Mark the result ready, with the result file (the signed decision or certificate scan)."""
    dossier = _lock(dossier_id, actor, EventAction.RESOLVE)
    _require_no_open_supplement(dossier)
    now = timezone.now()
    with _files_removed_on_failure() as stored:
        dossier.result_file.name = _store(result_file, stored)
        dossier.resolved_at = now
        dossier.current_department = None
        _close_review(dossier, now)
        event = _record(
            dossier,
            actor,
            EventAction.RESOLVE,
            fields=["result_file", "resolved_at", "current_department"],
            to_status=DossierStatus.RESOLVED,
            note=note,
            now=now,
        )
        _notify(dossier, event, "result_ready", note=note)
    return event


@transaction.atomic
def dossier_return_result(*, dossier_id: int, actor, via: str, note: str = "") -> DossierEvent:
    """Hand the result over: in person, online or by the public postal service."""
    if via not in ResultDelivery.values:
        raise ValidationError(_("Hình thức trả kết quả không hợp lệ."), code="delivery")
    dossier = _lock(dossier_id, actor, EventAction.RETURN_RESULT)
    now = timezone.now()
    dossier.returned_at = now
    dossier.returned_via = via
    event = _record(
        dossier,
        actor,
        EventAction.RETURN_RESULT,
        fields=["returned_at", "returned_via"],
        to_status=DossierStatus.RETURNED,
        note=note,
        now=now,
    )
    _notify(
        dossier,
        event,
        "result_returned",
        returned_via=str(ResultDelivery(via).label),
        feedback_url=receipts.rating_url(dossier),
    )
    return event


def _new_due_date(dossier: Dossier, new_due_at: datetime.datetime) -> None:
    if new_due_at <= timezone.now():
        raise ValidationError(_("Hạn mới phải sau thời điểm hiện tại."), code="due_in_past")
    dossier.due_at = new_due_at


@transaction.atomic
def dossier_reset_deadline(
    *, dossier_id: int, actor, new_due_at: datetime.datetime, reason: str
) -> DossierEvent:
    _require_reason(reason, _("Vui lòng ghi rõ lý do đặt lại hạn."))
    dossier = _lock(dossier_id, actor, EventAction.RESET_DEADLINE)
    _new_due_date(dossier, new_due_at)
    return _record(dossier, actor, EventAction.RESET_DEADLINE, fields=["due_at"], note=reason)


@transaction.atomic
def dossier_apologize(
    *, dossier_id: int, actor, new_due_at: datetime.datetime, reason: str
) -> DossierEvent:
    """Tell the citizen the dossier will be late, with a new date (Mẫu 04)."""
    _require_reason(reason, _("Vui lòng ghi rõ lý do chậm trả kết quả."))
    dossier = _lock(dossier_id, actor, EventAction.APOLOGIZE)
    old_due_at = dossier.due_at
    _new_due_date(dossier, new_due_at)
    event = _record(dossier, actor, EventAction.APOLOGIZE, fields=["due_at"], note=reason)
    _notify(
        dossier,
        event,
        "apology",
        reason=reason,
        old_due_at=receipts.when(old_due_at),
        new_due_at=receipts.when(new_due_at),
        attachments=[{"provider": "slip_apology", "id": event.pk}],
    )
    return event


@transaction.atomic
def dossier_note_add(*, dossier_id: int, actor, text: str) -> DossierNote:
    if not text.strip():
        raise ValidationError(_("Ghi chú trống."), code="empty_note")
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None or not officer_selectors.can_access(actor, dossier):
        raise ValidationError(_("Không tìm thấy hồ sơ."), code="not_found")
    return DossierNote.objects.create(dossier=dossier, author=actor, text=text.strip())


@transaction.atomic
def dossier_withdraw(*, dossier_id: int, reason: str = "") -> Dossier:
    """The citizen withdraws the dossier (status 7); any open supplement request closes."""
    dossier = _lock(dossier_id, None, EventAction.WITHDRAW)
    now = timezone.now()
    dossier.supplements.filter(closed_at__isnull=True).update(closed_at=now)
    _record(
        dossier,
        None,
        EventAction.WITHDRAW,
        to_status=DossierStatus.WITHDRAWN,
        note=reason.strip(),
        now=now,
    )
    return dossier
