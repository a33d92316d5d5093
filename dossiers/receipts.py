"""The citizen's papers about their dossier: the confirmation of an online submission, the
receipt Mẫu 01 "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" issued at acceptance, and the summary
their messages carry."""

import functools
import logging
from collections.abc import Iterable

from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from core.siteurl import site_url
from dossiers.constants import Channel, EventAction
from dossiers.models import Dossier, DossierDocument
from procedures.constants import CopyType, ProcessingTimeKind
from procedures.models import Agency, Procedure
from procedures.selectors import procedure_parts

logger = logging.getLogger(__name__)
ORIGINAL_COPY_TYPES = {CopyType.ORIGINAL, CopyType.ORIGINAL_OR_CERTIFIED}


def lookup_url(dossier: Dossier) -> str:
    return f"{site_url()}{reverse('tracking:lookup')}?ma={dossier.code}"


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "H:i \\n\\g\\à\\y d/m/Y") if moment else ""


RATING_SALT = "tracking.rating"


def rating_url(dossier: Dossier) -> str:
    """The signed link of the "result returned" email to rate the service, without a login."""
    token = signing.dumps(dossier.pk, salt=RATING_SALT)
    return f"{site_url()}{reverse('tracking:rate', kwargs={'token': token})}"


def supplement_url(request) -> str:
    """The secret link that lets the citizen answer one supplement request online."""
    return f"{site_url()}{reverse('dossiers:supplement', kwargs={'token': request.token})}"


def processing_time(procedure: Procedure) -> str:
    """The legal processing time, as the citizen reads it."""
    if procedure.processing_time_kind == ProcessingTimeKind.SAME_DAY:
        return str(_("trong ngày làm việc"))
    return _("%(days)s ngày làm việc") % {"days": procedure.processing_days}


def dossier_summary(
    dossier: Dossier, *, documents: Iterable[DossierDocument] | None = None
) -> dict:
    """Return what a citizen is told about a new dossier: JSON-friendly, for emails and pages.

    `documents`: the dossier's attached documents when the caller has them (it just wrote them),
    else they are read.
    """
    procedure, agency = dossier.procedure, dossier.receiving_agency
    if documents is None:
        documents = dossier.documents.all()
    attached = {document.document_id for document in documents}
    return {
        "code": dossier.code,
        "procedure": procedure.name,
        "procedure_code": procedure.code,
        "agency": agency.name,
        "agency_address": agency.address,
        "agency_phone": agency.phone,
        "agency_hours": agency.opening_hours,
        "applicant_name": dossier.applicant_name,
        "submitted_at": when(dossier.submitted_at),
        "due_at": when(dossier.appointment_at),  # the appointment the citizen holds
        "processing_time": processing_time(procedure),
        "delivery": str(dossier.get_delivery_display()),
        # in_person / online / post: what the messages say about collecting the result.
        "delivery_kind": dossier.delivery,
        "applicant_address": dossier.applicant_address,
        # The originals of what was attached online are checked when the result is collected.
        "originals": [
            document.name
            for document in procedure_parts(procedure).documents
            if document.pk in attached and document.copy_type in ORIGINAL_COPY_TYPES
        ],
        "lookup_url": lookup_url(dossier),
    }


def _document_rows(dossier: Dossier) -> list[dict]:
    """What the dossier holds, one row per document: its name, the kind of copy (as received on
    paper, or as the procedure asks for it online), and how many (papers, or files online). An
    online dossier's declaration, filled in the wizard, comes first: part of it, though no file
    ("—"), until a file comes for it too (a supplement may ask for the signed paper form): then
    its count is the files'."""
    parts = procedure_parts(dossier.procedure)
    rows: dict[str, dict] = {}
    if dossier.channel == Channel.ONLINE and dossier.declaration:
        for document in parts.online_declarations:
            rows[document.name] = {
                "name": document.name,
                "copy_type": _("Tờ khai điện tử"),
                "count": None,  # printed "—"
            }
    copy_types = {d.name: d.get_copy_type_display() for d in parts.documents}
    for held in dossier.documents.all():
        name = held.document_name
        if held.is_paper:  # one row per paper, whatever scans came with it
            rows[name] = {
                "name": name,
                "copy_type": held.get_paper_copy_type_display(),
                "count": held.paper_copies,
            }
        else:
            row = rows.setdefault(
                name, {"name": name, "copy_type": copy_types.get(name, ""), "count": 0}
            )
            row["count"] = (row["count"] or 0) + 1
    return list(rows.values())


def _qr(dossier: Dossier) -> str:
    import segno

    return segno.make(lookup_url(dossier), error="m").png_data_uri(scale=8, border=1)


def _slip_context(dossier: Dossier, documents: list[dict], dated) -> dict:
    return {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "agency": dossier.receiving_agency,
        "documents": documents,
        "dated": timezone.localtime(dated),
        "qr": _qr(dossier),
        "lookup_url": lookup_url(dossier),
    }


def render_confirmation(dossier: Dossier) -> bytes:
    """The confirmation of an online submission: what was sent, waiting for the desk. Not Mẫu 01,
    which is issued at acceptance (domain.md §6)."""
    return _render_confirmation(dossier, _document_rows(dossier))


def _render_confirmation(dossier: Dossier, documents: list[dict]) -> bytes:
    return render_pdf(
        "dossiers/confirmation.html",
        {
            **_slip_context(dossier, documents, dossier.submitted_at),
            "submitted_at": timezone.localtime(dossier.submitted_at),
        },
    )


def render_receipt(dossier: Dossier) -> bytes:
    """Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả: issued at acceptance, signed by the
    officer who accepted the dossier, with the appointment computed from that moment."""
    if dossier.received_at is None:
        raise ValueError(f"Dossier {dossier.code} was not accepted: it has no Mẫu 01.")
    accepted = (
        dossier.events.filter(action=EventAction.ACCEPT).order_by("-created_at", "-pk").first()
    )
    return _render_receipt(
        dossier,
        _document_rows(dossier),
        officer=accepted.actor_name if accepted else "",
        # The appointment given at acceptance, even if Mẫu 01 is first printed after an apology
        # (Mẫu 04) moved it: the slip records the acceptance.
        appointment_at=accepted.appointment_at if accepted else dossier.appointment_at,
    )


def _render_receipt(
    dossier: Dossier, documents: list[dict], *, officer: str, appointment_at=None
) -> bytes:
    return render_pdf(
        "dossiers/receipt.html",
        {
            **_slip_context(dossier, documents, dossier.received_at),
            "received_at": timezone.localtime(dossier.received_at),
            "due_at": timezone.localtime(appointment_at) if appointment_at else None,
            "receiving_officer": officer,
        },
    )


def warm_up() -> bytes:
    """Render a confirmation and a receipt of a dossier that is not saved, to load what real
    ones need.

    A process's first slip loads segno, the fonts' bold and italic faces, the PNG decoder and the
    templates, and takes much longer than the next ones (docs/benchmarks.md, intake). Workers
    call this when they start (dossiers.workers.prepare), so that no citizen waits for it.
    Return the receipt.
    """
    province = Agency(code="00", name=_("Tỉnh"))
    agency = Agency(code="000.00.00.H00", name=_("Bộ phận một cửa"), province=province)
    now = timezone.now()
    dossier = Dossier(
        code=f"{agency.code}-{timezone.localdate(now):%y%m%d}-0000",
        procedure=Procedure(code="1.000000", name=_("Thủ tục")),
        receiving_agency=agency,
        applicant_name="Nguyễn Văn A",
        submitted_at=now,
        received_at=now,
        due_at=now,
        appointment_at=now,
    )
    documents = [{"name": _("Tờ khai"), "copy_type": _("Bản chính"), "count": 1}]
    _render_confirmation(dossier, documents)
    return _render_receipt(dossier, documents, officer="Nguyễn Văn B", appointment_at=now)


def _stored_pdf(dossier: Dossier, field: str, render, name: str) -> bytes:
    """Return the PDF kept in `field` of the dossier; the first time, render it and store it once
    the current transaction commits.

    The confirmation email renders it inside the outbox's send attempt, a transaction that rolls
    back when the SMTP server refuses the message: a file stored there would be left behind by
    every failed attempt, each retry storing another copy under a new name. Stored after the
    commit, a failed attempt stores nothing, and the attempt that succeeds stores one file.
    """
    if not getattr(dossier, field):
        fresh = Dossier.objects.select_related("procedure", "receiving_agency__province").get(
            pk=dossier.pk
        )
        if not getattr(fresh, field):
            pdf = render(fresh)
            transaction.on_commit(
                functools.partial(_store, dossier=dossier, field=field, name=name, pdf=pdf),
                # The email or the download succeeded: a copy that failed to store is rendered
                # again when next asked for.
                robust=True,
            )
            return pdf
        setattr(dossier, field, getattr(fresh, field))
    with getattr(dossier, field).open("rb") as handle:
        return handle.read()


def _store(*, dossier: Dossier, field: str, name: str, pdf: bytes) -> None:
    """Store `pdf` as `field` of the dossier unless another process stored it first.

    The row is set by a conditional UPDATE rather than under a lock: of two first downloads, the
    one that finds the field set deletes its own copy, so every stored file has its row.
    """
    file_field = Dossier._meta.get_field(field)
    stored = file_field.storage.save(file_field.generate_filename(dossier, name), ContentFile(pdf))
    try:
        updated = Dossier.objects.filter(pk=dossier.pk, **{field: ""}).update(
            **{field: stored, "updated_at": timezone.now()}
        )
    except BaseException:
        file_field.storage.delete(stored)
        raise
    if updated:
        setattr(dossier, field, stored)
    else:
        file_field.storage.delete(stored)
        logger.info(
            "Dossier %s: %s stored by another process; copy %s removed", dossier.pk, field, stored
        )


def dossier_confirmation_pdf(*, dossier: Dossier) -> bytes:
    """Return the confirmation of the online submission, rendered once."""
    return _stored_pdf(dossier, "confirmation", render_confirmation, f"{dossier.code}-xac-nhan.pdf")


def dossier_receipt_pdf(*, dossier: Dossier) -> bytes:
    """Return the dossier's Mẫu 01, rendered once after acceptance; ValueError before it."""
    if dossier.received_at is None:
        raise ValueError(f"Dossier {dossier.code} was not accepted: it has no Mẫu 01.")
    return _stored_pdf(dossier, "receipt", render_receipt, f"{dossier.code}.pdf")


def _attachment(filename: str, pdf) -> tuple[str, bytes, str]:
    return filename, pdf, "application/pdf"


def confirmation_attachment(dossier_id: int) -> tuple[str, bytes, str]:
    """Attachment provider for notifications: the confirmation of submission, rendered once."""
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").get(pk=dossier_id)
    return _attachment(
        f"xac-nhan-nop-ho-so-{dossier.code}.pdf", dossier_confirmation_pdf(dossier=dossier)
    )


def receipt_attachment(dossier_id: int) -> tuple[str, bytes, str]:
    """Attachment provider for notifications: Mẫu 01, rendered once."""
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").get(pk=dossier_id)
    return _attachment(f"giay-tiep-nhan-{dossier.code}.pdf", dossier_receipt_pdf(dossier=dossier))
