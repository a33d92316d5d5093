"""What the public lookup shows: the dossier's progress, without personal data."""

from django.db.models import Prefetch

from dossiers.constants import EventAction
from dossiers.models import Dossier, DossierEvent, IssuedResult


def dossier_progress(*, code: str) -> Dossier | None:
    """The dossier with what the public progress page shows, and only that (the lookup's page is
    rendered for every first visit: a lean query is most of its cost)."""
    events = DossierEvent.objects.select_related("agency").only(
        "dossier_id",
        "created_at",
        "action",
        "to_status",
        "actor_id",
        "actor_name",
        "agency__name",
        "appointment_at",
    )
    return (
        Dossier.objects.select_related(
            "procedure",
            "receiving_agency",
            "resolving_agency",
            "current_department",
            "assignee__officer",
        )
        .only(
            "code",
            "status",
            "channel",
            "submitted_at",
            "received_at",
            "due_at",
            "appointment_at",
            "paused_at",
            "apologized_at",
            "resolved_at",
            "procedure__name",
            # The footer: the agency's contacts and hours.
            "receiving_agency__name",
            "receiving_agency__address",
            "receiving_agency__phone",
            "receiving_agency__email",
            "receiving_agency__weekday_sessions",
            "receiving_agency__saturday_sessions",
            "resolving_agency__name",
            "at_resolving_agency",
            "current_department__name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
            "assignee__officer__title",
        )  # fmt: skip
        .prefetch_related(Prefetch("events", queryset=events))
        .filter(code=code.strip().upper())
        .order_by()
        .first()
    )


def public_history(dossier: Dossier) -> list[dict]:
    """Time, from, action, to: officers are named (they serve the public), citizens are not."""
    rows, previous = [], None
    for event in dossier.events.all():
        rows.append(
            {
                "at": event.created_at,
                "actor": event.actor_name if event.actor_id else None,
                "action": event.get_action_display(),
                "from": previous.agency.name if previous and previous.agency else None,
                "to": event.agency.name if event.agency else "",
                "status": event.get_to_status_display(),
                # An apology or a reset gives the citizen a new appointment: it stays in sight.
                "appointment": event.appointment_at
                if event.action in (EventAction.APOLOGIZE, EventAction.RESET_DEADLINE)
                else None,
            }
        )
        previous = event
    return rows


def issued_result(*, token: str) -> IssuedResult | None:
    """The issued result a verification QR code names, with what its public page shows: the
    agency, the number and date, the procedure, the fingerprint and the revocation."""
    return (
        IssuedResult.objects.select_related("agency", "dossier__procedure")
        .only(
            "number",
            "signed_on",
            "sha256",
            "issued_at",
            "revoked_at",
            "revoke_reason",
            "agency__name",
            "dossier__procedure__name",
        )
        .filter(token=token)
        .first()
    )
