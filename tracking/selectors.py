"""What the public lookup shows: the dossier's progress, without personal data."""

from django.db.models import Prefetch
from django.utils import timezone

from dossiers.constants import CLOCK_RUNNING
from dossiers.models import Dossier, DossierEvent


def dossier_progress(*, code: str) -> Dossier | None:
    return (
        Dossier.objects.select_related(
            "procedure", "receiving_agency", "current_department", "assignee__officer"
        )
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.select_related("agency", "actor"))
        )
        .filter(code=code.strip().upper())
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
