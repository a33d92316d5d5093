"""Dossiers that reach the one-stop desk on paper: at the counter, or by the public postal service.

The officer registers one in the back-office; it gets its code from the same sequence as online
dossiers and is accepted at once (Mẫu 01 is printed for the citizen at the counter), with the same
deadlines, queues, statistics and lookup.
"""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import codes, deadlines, receipts, selectors
from dossiers.constants import Channel, DossierStatus, EventAction
from dossiers.models import Dossier, DossierDocument, DossierEvent
from dossiers.services.common import Actor, name_of, notify
from dossiers.services.files import files_removed_on_failure, store
from dossiers.services.intake import CHECKED_BY_DATABASE
from dossiers.uploads import CheckedUpload
from officers import selectors as officer_selectors
from officers.constants import Role
from procedures.constants import ApplicantRole
from procedures.models import Agency, Procedure, RequiredDocument
from procedures.selectors import applicant_values

PAPER_CHANNELS = {Channel.IN_PERSON, Channel.POST}


@dataclass(frozen=True)
class PaperDocument:
    """A document the desk received on paper: which one, the kind of copy, how many, and the
    scans the officer made of it (if any)."""

    document: RequiredDocument
    copy_type: str
    copies: int
    scans: list[CheckedUpload] = field(default_factory=list)


@transaction.atomic
def dossier_receive_paper(
    *,
    actor: Actor,
    procedure: Procedure,
    agency: Agency,
    channel: int,
    declaration: dict,
    contact: dict,
    documents: list[PaperDocument],
) -> DossierEvent:
    """Register and accept a dossier received on paper; return its acceptance event.

    `contact`: the applicant's name, phone, email, address and how they collect the result
    (ho_ten, dien_thoai, email, dia_chi, nhan_ket_qua), the name and address falling back to the
    declaration's applicant fields. The whole dossier is written in one transaction, its scans
    removed again if it fails.
    """
    _require_desk(actor, agency)
    if channel not in PAPER_CHANNELS:
        raise ValidationError(_("Kênh tiếp nhận không hợp lệ."), code="channel")
    if not selectors.procedure_receiving_agencies(procedure=procedure).filter(pk=agency.pk):
        raise ValidationError(_("Cơ quan này không tiếp nhận thủ tục."), code="agency")
    applicant = applicant_values(procedure, declaration)
    name = contact.get("ho_ten") or applicant.get(ApplicantRole.NAME, "")
    address = contact.get("dia_chi") or applicant.get(ApplicantRole.ADDRESS, "")
    if not name or not address:
        raise ValidationError(
            _("Chưa có họ tên hoặc địa chỉ người nộp: nhập ở mục “Người nộp hồ sơ”."),
            code="applicant",
        )
    now = timezone.now()
    dossier = Dossier(
        code=f"~{uuid.uuid4().hex[:28]}",  # provisional: the real code is allocated last
        procedure=procedure,
        receiving_agency=agency,
        status=DossierStatus.ACCEPTED,
        channel=channel,
        applicant_name=name,
        applicant_email=contact.get("email", ""),
        applicant_phone=contact["dien_thoai"],
        applicant_address=address,
        applicant_id_type=applicant.get(ApplicantRole.ID_TYPE, ""),
        applicant_id_number=applicant.get(ApplicantRole.ID_NUMBER, ""),
        delivery=contact["nhan_ket_qua"],
        declaration=declaration,
        submitted_at=now,
        received_at=now,
        assignee=actor,
    )
    deadlines.start(dossier, now)
    dossier.full_clean(
        exclude=CHECKED_BY_DATABASE, validate_unique=False, validate_constraints=False
    )
    dossier.save(force_insert=True)
    with files_removed_on_failure() as stored:
        DossierDocument.objects.bulk_create(_rows(dossier, documents, stored))
        event = DossierEvent.objects.create(
            dossier=dossier,
            action=EventAction.ACCEPT,
            from_status=None,
            to_status=DossierStatus.ACCEPTED,
            actor=actor,
            actor_name=name_of(actor, dossier),
            agency=agency,
            assignee=actor,
            due_at=dossier.due_at,
            appointment_at=dossier.appointment_at,
            note=str(Channel(channel).label),
            created_at=now,
        )
        dossier.code = codes.dossier_code_allocate(agency=agency, day=timezone.localdate(now))
        Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code)
        notify(
            dossier,
            "dossier_accepted",
            received_at=receipts.when(now),
            attachments=[{"provider": "dossier_receipt", "id": dossier.pk}],
        )
    return event


def _require_desk(actor: Actor, agency: Agency) -> None:
    """Only a one-stop officer of the agency (or above it) registers its paper dossiers."""
    if Role.RECEIVING not in officer_selectors.user_roles(actor):
        raise ValidationError(
            _("Chỉ cán bộ một cửa được tiếp nhận hồ sơ trực tiếp."), code="forbidden"
        )
    if not officer_selectors.agencies_visible(actor).filter(pk=agency.pk).exists():
        raise ValidationError(_("Cơ quan này không thuộc phạm vi của bạn."), code="not_found")


def _rows(dossier: Dossier, documents: list[PaperDocument], stored: list[str]):
    """One row per paper; one more per scan beyond the first, each marked with the paper."""
    for paper in documents:
        common = {
            "dossier": dossier,
            "document": paper.document,
            "document_name": paper.document.name,
            "paper_copy_type": paper.copy_type,
            "paper_copies": paper.copies,
        }
        if not paper.scans:
            yield DossierDocument(**common)
        for scan in paper.scans:
            yield DossierDocument(
                **common,
                file=store(scan, stored),
                original_name=scan.name,
                content_type=scan.content_type,
                size=scan.size,
            )
