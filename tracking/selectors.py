"""What the public lookup shows: the dossier's progress, without personal data."""

from django.db.models import Prefetch
from django.utils import timezone

from dossiers.constants import CLOCK_RUNNING
from dossiers.models import Dossier, DossierEvent


def dossier_progress(*, code: str) -> Dossier | None:
    """The dossier with what the public progress page shows, and only that (the lookup's page is
    rendered for every first visit: a lean query is most of its cost)."""
    events = DossierEvent.objects.select_related("agency").only(
        "dossier_id", "created_at", "action", "to_status", "actor_id", "actor_name", "agency__name"
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
            "resolved_at",
            "procedure__name",
            "receiving_agency__name",
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
            }
        )
        previous = event
    return rows


def timeliness(dossier: Dossier, *, now=None) -> str:
    """ "on_time" / "overdue" while the clock runs; "early" / "on_time" / "late" once resolved."""
    now = now or timezone.now()
    if dossier.due_at is None:
        return ""
    if dossier.resolved_at:
        if timezone.localdate(dossier.resolved_at) < timezone.localdate(dossier.due_at):
            return "early"
        return "on_time" if dossier.resolved_at <= dossier.due_at else "late"
    if dossier.status in CLOCK_RUNNING:
        return "on_time" if now <= dossier.due_at else "overdue"
    return ""
