"""Reads for the intake wizard and the citizen's own dossier pages."""

import uuid

from django.db.models import QuerySet, Sum

from dossiers.models import Dossier, Draft
from procedures.models import Agency, Procedure


def procedure_receiving_agencies(*, procedure: Procedure) -> QuerySet[Agency]:
    return (
        procedure.receiving_agencies.filter(is_active=True)
        .select_related("province")
        .order_by("province__name", "tier", "name")
    )


def draft_for_session(*, token: uuid.UUID, session_tokens: list[str]) -> Draft | None:
    """Return the draft `token` if it belongs to this browser session, else None."""
    if str(token) not in session_tokens:
        return None
    return (
        Draft.objects.select_related("procedure", "agency", "dossier")
        .prefetch_related("procedure__form_fields", "procedure__documents", "files")
        .filter(token=token)
        .first()
    )


def draft_total_size(*, draft: Draft) -> int:
    return draft.files.aggregate(total=Sum("size"))["total"] or 0


def dossier_for_session(*, code: str, session_codes: list[str]) -> Dossier | None:
    """Return the dossier `code` if this browser session submitted it, else None."""
    if code not in session_codes:
        return None
    return (
        Dossier.objects.select_related("procedure", "receiving_agency")
        .prefetch_related("procedure__documents", "documents")
        .filter(code=code)
        .first()
    )


def dossier_public(*, code: str) -> Dossier | None:
    """Return the dossier with `code` for the public lookup (no personal data is shown)."""
    return (
        Dossier.objects.select_related("procedure", "receiving_agency")
        .filter(code=code.strip().upper())
        .first()
    )
