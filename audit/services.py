"""The one writer of the access log."""

from django.db import models

from audit.constants import AccessAction
from audit.models import AccessRecord
from core.clientip import client_ip

USER_AGENT_LENGTH = AccessRecord._meta.get_field("user_agent").max_length
REFERENCE_LENGTH = AccessRecord._meta.get_field("reference").max_length


def access_record(
    request,
    action: AccessAction,
    *,
    reference: str,
    agency_id: int | None,
    resolving_agency_id: int | None = None,
    subject: models.Model | None = None,
) -> AccessRecord:
    """Record that `request.user` did `action` on `subject` (named by `reference`, the dossier's
    code or an export's description) of `agency_id` (and `resolving_agency_id`, for a dossier
    forwarded to another agency), from the client's address.

    One INSERT and nothing else (no `full_clean`: its foreign-key checks would read the user and
    the agency again, on every page view; the values come from rows just read and are cut to the
    columns here)."""
    user = request.user
    return AccessRecord.objects.create(
        user_id=user.pk,
        username=user.get_username(),
        action=action,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        reference=reference[:REFERENCE_LENGTH],
        agency_id=agency_id,
        resolving_agency_id=resolving_agency_id,
        address=client_ip(request)[:64],
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    )
