"""The intake wizard's writes: a draft kept server-side, then the submission that makes it
a dossier."""

import datetime
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import codes, receipts, selectors
from dossiers.constants import DossierStatus, EventAction, WizardStep
from dossiers.models import Dossier, DossierDocument, DossierEvent, Draft, DraftFile
from dossiers.notify import dossier_notify
from dossiers.services.files import files_removed_on_failure, store
from dossiers.uploads import CheckedUpload
from procedures.constants import ApplicantRole, FieldType
from procedures.models import Agency, Procedure, RequiredDocument
from procedures.selectors import DocumentRequirement, applicant_values, procedure_parts

# Dossier fields that full_clean leaves to the database (see dossier_submit).
CHECKED_BY_DATABASE = ["code", "procedure", "receiving_agency", "current_department", "assignee"]


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
    with files_removed_on_failure() as stored, transaction.atomic():
        for document, uploads in files:
            for checked in uploads:
                created.append(
                    DraftFile.objects.create(
                        draft=draft,
                        document=document,
                        file=store(checked, stored),
                        original_name=checked.name,
                        content_type=checked.content_type,
                        size=checked.size,
                    )
                )
        _save(draft, [])
    return created


def draft_remove_file(*, draft: Draft, file_id: int) -> None:
    draft_file = DraftFile.objects.filter(draft=draft, pk=file_id).first()
    if draft_file is None:
        return
    name = draft_file.file.name
    draft_file.delete()
    # A file left behind is the storage's to clean; the citizen's removal is saved.
    transaction.on_commit(lambda: default_storage.delete(name), robust=True)


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
    # The declaration filled in the wizard is not also an upload (parts.upload_requirements);
    # of an alternative group, any one document will do.
    for requirement in parts.upload_requirements:
        if requirement.is_required and not requirement.satisfied_by(attached):
            problems.setdefault(WizardStep.ATTACHMENTS, []).append(_missing(requirement))
    if not draft.contact:
        problems[WizardStep.CONTACT] = [_("Chưa nhập thông tin liên hệ.")]
    return problems


def _missing(requirement: DocumentRequirement) -> str:
    """The problem of a requirement with nothing attached, naming every document that would do."""
    if not requirement.is_choice:
        return _("Chưa đính kèm “%(name)s”.") % {"name": requirement.documents[0].name}
    names = [f"“{document.name}”" for document in requirement.documents]
    return _("Chưa đính kèm một trong các giấy tờ: %(names)s.") % {
        "names": _("%(names)s hoặc %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
    }


def dossier_submit(
    *, draft_token: uuid.UUID, confirmed: Callable[[], bool] | None = None
) -> Dossier | None:
    """Turn a complete draft into a dossier with status 1; idempotent per draft.

    Runs in one transaction: the code, the dossier, its files, its first event and the
    confirmation message are written together or not at all. A second call for the same draft
    (double click, reload, replayed POST) returns the dossier the first one created.

    `confirmed` (the review's captcha) is asked under the draft's lock, once a replay has been
    answered: a double click's second POST waits for the first, then gets its dossier, instead
    of meeting the captcha the first one spent ("Mã xác nhận không đúng", issue 17). Refused,
    nothing is written and None returned (the form holds the reason); the transaction still
    commits, so that the captcha stays spent: one attempt per challenge.
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
        if confirmed is not None and not confirmed():
            return None
        procedure, agency, contact = draft.procedure, draft.agency, draft.contact
        applicant = applicant_values(procedure, draft.declaration)
        now = timezone.now()
        dossier = Dossier(
            code=f"~{uuid.uuid4().hex[:28]}",  # provisional: the real code is allocated last
            procedure=procedure,
            receiving_agency=agency,
            status=DossierStatus.NEW,
            applicant_name=contact["ho_ten"],
            applicant_email=contact["email"],
            applicant_phone=contact["dien_thoai"],
            applicant_address=contact["dia_chi"],
            applicant_id_type=applicant.get(ApplicantRole.ID_TYPE, ""),
            applicant_id_number=applicant.get(ApplicantRole.ID_NUMBER, ""),
            delivery=contact["nhan_ket_qua"],
            declaration=draft.declaration,
            submitted_at=now,
        )
        # The citizen's values against the model's own rules (lengths, e-mail, choices). The
        # keys, the unique code and the constraints are the database's to check: validating them
        # here would cost a query each.
        dossier.full_clean(
            exclude=CHECKED_BY_DATABASE, validate_unique=False, validate_constraints=False
        )
        dossier.save(force_insert=True)
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
        DossierEvent.objects.create(
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
        dossier_notify(
            dossier=dossier,
            template="dossier_submitted",
            summary=receipts.dossier_summary(dossier, documents=documents),
            attachments=[{"provider": "dossier_confirmation", "id": dossier.pk}],
        )
    return dossier
