"""The receipt Mẫu 01 "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" and the dossier summary."""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from dossiers.constants import Channel
from dossiers.models import Dossier, DossierDocument
from procedures.constants import CopyType
from procedures.models import Agency, Procedure
from procedures.selectors import procedure_parts

ORIGINAL_COPY_TYPES = {CopyType.ORIGINAL, CopyType.ORIGINAL_OR_CERTIFIED}


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.SITE_URL}{reverse('tracking:lookup')}?ma={dossier.code}"


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "H:i \\n\\g\\à\\y d/m/Y") if moment else ""


RATING_SALT = "tracking.rating"


def rating_url(dossier: Dossier) -> str:
    """The signed link of the "result returned" email to rate the service, without a login."""
    token = signing.dumps(dossier.pk, salt=RATING_SALT)
    return f"{settings.SITE_URL}{reverse('tracking:rate', kwargs={'token': token})}"


def supplement_url(request) -> str:
    """The secret link that lets the citizen answer one supplement request online."""
    return f"{settings.SITE_URL}{reverse('dossiers:supplement', kwargs={'token': request.token})}"


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
        "due_at": when(dossier.due_at),
        "delivery": str(dossier.get_delivery_display()),
        # The originals of what was attached online are checked when the result is collected.
        "originals": [
            document.name
            for document in procedure_parts(procedure).documents
            if document.pk in attached and document.copy_type in ORIGINAL_COPY_TYPES
        ],
        "lookup_url": lookup_url(dossier),
    }


def render_receipt(dossier: Dossier) -> bytes:
    parts = procedure_parts(dossier.procedure)
    rows = []
    if dossier.channel == Channel.ONLINE and dossier.declaration:
        # The declaration filled in the wizard is part of the dossier, though not a file.
        rows = [
            {"name": document.name, "copy_type": _("Tờ khai điện tử"), "files": "—"}
            for document in parts.online_declarations
        ]
    documents = {}
    for attached in dossier.documents.all():
        documents.setdefault(attached.document_name, {"name": attached.document_name, "files": 0})
        documents[attached.document_name]["files"] += 1
    copy_types = {d.name: d.get_copy_type_display() for d in parts.documents}
    rows += [{**row, "copy_type": copy_types.get(name, "")} for name, row in documents.items()]
    return _render_receipt(dossier, rows)


def _render_receipt(dossier: Dossier, documents: list[dict]) -> bytes:
    import segno

    return render_pdf(
        "dossiers/receipt.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure,
            "agency": dossier.receiving_agency,
            "documents": documents,
            "submitted_at": timezone.localtime(dossier.submitted_at),
            "due_at": timezone.localtime(dossier.due_at) if dossier.due_at else None,
            "qr": segno.make(lookup_url(dossier), error="m").png_data_uri(scale=8, border=1),
            "lookup_url": lookup_url(dossier),
        },
    )


def warm_up() -> bytes:
    """Render a receipt of a dossier that is not saved, to load what a real one needs.

    A process's first receipt loads segno, the fonts' bold and italic faces, the PNG decoder and
    the template, and takes much longer than the next ones (docs/benchmarks.md, intake). Workers
    call this when they start (dossiers.workers.prepare), so that no citizen waits for it.
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
        due_at=now,
    )
    return _render_receipt(
        dossier, [{"name": _("Tờ khai"), "copy_type": _("Bản chính"), "files": 1}]
    )


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
                content = render_receipt(locked)
                locked.receipt.save(f"{locked.code}.pdf", ContentFile(content), save=False)
                locked.save(update_fields=["receipt", "updated_at"])
            dossier.receipt = locked.receipt
    with dossier.receipt.open("rb") as handle:
        return handle.read()


def receipt_attachment(dossier_id: int) -> tuple[str, bytes, str]:
    """Attachment provider for notifications: the receipt PDF, rendered once."""
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").get(pk=dossier_id)
    return (
        f"giay-tiep-nhan-{dossier.code}.pdf",
        dossier_receipt_pdf(dossier=dossier),
        "application/pdf",
    )
