"""Every write of the intake wizard and every dossier status change goes through here."""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import codes, deadlines, receipts, selectors
from dossiers.constants import DossierStatus, EventAction, WizardStep
from dossiers.models import Dossier, DossierDocument, DossierEvent, Draft, DraftFile, upload_path
from dossiers.uploads import CheckedUpload
from notifications.services import message_queue
from procedures.constants import FieldType
from procedures.models import Agency, Procedure, RequiredDocument

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
    stored: list[str] = []
    created = []
    try:
        with transaction.atomic():
            for document, uploads in files:
                for checked in uploads:
                    name = default_storage.save(
                        upload_path(None, f"x.{checked.extension}"), checked.upload
                    )
                    stored.append(name)
                    created.append(
                        DraftFile.objects.create(
                            draft=draft,
                            document=document,
                            file=name,
                            original_name=checked.name,
                            content_type=checked.content_type,
                            size=checked.size,
                        )
                    )
            _save(draft, [])
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return created


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
    for definition in draft.procedure.form_fields.all():
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
    for document in draft.procedure.documents.all():
        if document.is_required and document.pk not in attached:
            problems.setdefault(WizardStep.ATTACHMENTS, []).append(
                _("Chưa đính kèm “%(name)s”.") % {"name": document.name}
            )
    if not draft.contact:
        problems[WizardStep.CONTACT] = [_("Chưa nhập thông tin liên hệ.")]
    return problems


def _applicant_id_number(procedure: Procedure, declaration: dict) -> str:
    for definition in procedure.form_fields.all():
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
            .select_related("procedure", "agency", "dossier")
            .get(token=draft_token)
        )
        if draft.dossier_id is not None:
            return draft.dossier
        problems = draft_problems(draft=draft)
        if problems:
            raise ValidationError(
                [message for messages in problems.values() for message in messages],
                code="incomplete",
            )
        procedure, agency, contact = draft.procedure, draft.agency, draft.contact
        now = timezone.now()
        dossier = Dossier.objects.create(
            code=codes.dossier_code_allocate(agency=agency, day=timezone.localdate(now)),
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
        DossierDocument.objects.bulk_create(
            DossierDocument(
                dossier=dossier,
                document=draft_file.document,
                document_name=draft_file.document.name,
                file=draft_file.file.name,
                original_name=draft_file.original_name,
                content_type=draft_file.content_type,
                size=draft_file.size,
            )
            for draft_file in draft.files.select_related("document")
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
        message_queue(
            recipient=dossier.applicant_email,
            template="dossier_submitted",
            context=receipts.dossier_summary(dossier),
            dossier=dossier,
            event=event,
            attachments=[{"provider": "dossier_receipt", "id": dossier.pk}],
        )
    return dossier


def dossier_receipt_pdf(*, dossier: Dossier) -> bytes:
    """Return the dossier's receipt (Mẫu 01), rendering and storing it the first time only."""
    if not dossier.receipt:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            if not locked.receipt:
                content = receipts.render_receipt(locked)
                locked.receipt.save(f"{locked.code}.pdf", receipts.as_file(content), save=False)
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
