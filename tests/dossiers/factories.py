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


def make_officer(username, role, *, agencies, department=None, first_name="Cán bộ"):
    """A staff user in the group of `role`, attached to `agencies` (and a department)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from officers.models import Officer
    from officers.services import roles_ensure

    roles_ensure()
    user = get_user_model().objects.create_user(
        username=username, password="MatKhau@123", is_staff=True, first_name=first_name
    )
    user.groups.add(Group.objects.get(name=str(role.label)))
    officer = Officer.objects.create(user=user, department=department, title=str(role.label))
    officer.agencies.set(agencies)
    return user


def submitted(procedure, agency, **kwargs):
    """A dossier just submitted online (status 1)."""
    from dossiers import services

    return services.dossier_submit(draft_token=complete_draft(procedure, agency, **kwargs).token)
