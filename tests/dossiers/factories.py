import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from dossiers.models import Draft, DraftFile, upload_path
from tests.dossiers.helpers import CONTACT, KHAI_SINH, PDF_BYTES


def complete_draft(procedure, agency, *, session_key="s", declaration=None) -> Draft:
    """A draft with every step done: ready for dossier_submit."""
    draft = Draft.objects.create(
        session_key=session_key,
        procedure=procedure,
        agency=agency,
        declaration=declaration if declaration is not None else dict(KHAI_SINH),
        contact={**CONTACT, "dien_thoai": "0912345678"},
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    for document in procedure.documents.all():
        name = default_storage.save(upload_path(None, "x.pdf"), ContentFile(PDF_BYTES))
        DraftFile.objects.create(
            draft=draft,
            document=document,
            file=name,
            original_name="giay-to.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
        )
    return draft
