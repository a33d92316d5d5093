"""A dossier's two dates: the legal due date (`due_at`, hạn theo quy định) and the appointment
shown to the citizen (`appointment_at`, hẹn trả).

Both start at acceptance from the receiving agency's calendar (calendars.workdays). A legal
pause (a supplement requested while the clock runs; the fee awaited, where the procedure says
so) stops the clock: `paused_at` is set, and on resuming both dates move by the pause. An
apology (Mẫu 04) or a reset moves the appointment only. When a province corrects its calendar,
`dossier_replay` recomputes both dates, and each event's, from the history.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calendars.selectors import work_calendar
from calendars.workdays import WorkCalendar
from dossiers.constants import CLOCK_RUNNING, FINAL, DossierStatus, EventAction
from dossiers.models import Dossier, DossierEvent

# The events that move the appointment away from the legal due date.
APPOINTMENT_MOVED = {EventAction.APOLOGIZE, EventAction.RESET_DEADLINE}
# The events that end a pause: the citizen's supplement, the fee paid.
RESUMES = {EventAction.SUPPLEMENT, EventAction.CONFIRM_FEE}


def calendar(dossier: Dossier) -> WorkCalendar:
    """The calendar of the agency that gave the citizen the appointment."""
    return work_calendar(dossier.receiving_agency, dossier.procedure)


def start(dossier: Dossier, received_at: datetime.datetime) -> list[str]:
    """Start the clock at acceptance: the legal due date, and the same appointment."""
    dossier.due_at = calendar(dossier).due_at(dossier.procedure, received_at)
    dossier.appointment_at, dossier.paused_at = dossier.due_at, None
    return ["due_at", "appointment_at", "paused_at"]


def pauses(dossier: Dossier, action: str, to_status: int) -> bool:
    """Whether `action`, taking the dossier to `to_status`, stops its clock."""
    if dossier.status not in CLOCK_RUNNING or dossier.due_at is None:
        return False
    if action == EventAction.REQUEST_SUPPLEMENT:
        return True
    return to_status == DossierStatus.FEE_REQUESTED and dossier.procedure.fee_pauses_clock


def pausing_events() -> Q:
    """`pauses` in SQL, on DossierEvent (for the statistics of a past moment): a supplement
    asked for while the clock runs, and the fee asked for where the procedure says so."""
    running_before = Q(from_status__in=CLOCK_RUNNING)
    return running_before & (
        Q(action=EventAction.REQUEST_SUPPLEMENT)
        | Q(to_status=DossierStatus.FEE_REQUESTED, dossier__procedure__fee_pauses_clock=True)
    )


def pause(dossier: Dossier, action: str, to_status: int, now: datetime.datetime) -> list[str]:
    """Stop the clock if `action` pauses it (`pauses`); return the fields to save."""
    if not pauses(dossier, action, to_status):
        return []
    dossier.paused_at = now
    return ["paused_at"]


def resume(dossier: Dossier, now: datetime.datetime, work: WorkCalendar | None = None) -> list[str]:
    """Restart a stopped clock: both dates move by the pause. Return the fields to save."""
    if dossier.paused_at is None:
        return []
    work = work or calendar(dossier)
    procedure = dossier.procedure
    dossier.due_at = work.resume(procedure, dossier.due_at, dossier.paused_at, now)
    if dossier.appointment_at is not None:
        dossier.appointment_at = work.resume(
            procedure, dossier.appointment_at, dossier.paused_at, now
        )
    dossier.paused_at = None
    return ["due_at", "appointment_at", "paused_at"]


def _replayed(dossier: Dossier, events: list[DossierEvent], work: WorkCalendar) -> dict:
    """Walk the history with `work`: each event's dates, then the dossier's."""
    state = Dossier(procedure=dossier.procedure, receiving_agency=dossier.receiving_agency)
    changed_events = []
    for event in events:
        state.status = event.from_status or DossierStatus.NEW
        if event.action == EventAction.ACCEPT:
            state.due_at = work.due_at(dossier.procedure, event.created_at)
            state.appointment_at, state.paused_at = state.due_at, None
        elif event.action in RESUMES:
            resume(state, event.created_at, work)
        elif event.action in APPOINTMENT_MOVED:
            state.appointment_at = event.appointment_at  # the officer's date, kept
        else:
            pause(state, event.action, event.to_status, event.created_at)
        if event.to_status in FINAL:
            state.paused_at = None
        if (event.due_at, event.appointment_at) != (state.due_at, state.appointment_at):
            event.due_at, event.appointment_at = state.due_at, state.appointment_at
            changed_events.append(event)
    return {
        "due_at": state.due_at,
        "appointment_at": state.appointment_at,
        "paused_at": state.paused_at,
        "events": changed_events,
    }


@transaction.atomic
def dossier_replay(*, dossier_id: int) -> bool:
    """Recompute a dossier's dates from its history and the calendar in force; True if changed."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "receiving_agency")
        .get(pk=dossier_id)
    )
    events = list(dossier.events.order_by("created_at", "pk"))
    if not any(event.action == EventAction.ACCEPT for event in events):
        return False
    replayed = _replayed(dossier, events, calendar(dossier))
    DossierEvent.objects.bulk_update(replayed["events"], ["due_at", "appointment_at"])
    fields = [
        name
        for name in ("due_at", "appointment_at", "paused_at")
        if getattr(dossier, name) != replayed[name]
    ]
    for name in fields:
        setattr(dossier, name, replayed[name])
    if fields:
        dossier.save(update_fields=fields)
    return bool(fields or replayed["events"])


def dossiers_touching(province_id: int, days: list[datetime.date]):
    """The ids of the province's dossiers whose clock ran over one of `days` (or runs still)."""
    first, last = min(days), max(days)
    after_last = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
    before_first = datetime.datetime.combine(first, datetime.time())
    return (
        Dossier.objects.filter(
            receiving_agency__province_id=province_id,
            received_at__lt=timezone.make_aware(after_last),
        )
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=timezone.make_aware(before_first)))
        .exclude(status__in=FINAL, resolved_at__isnull=True)
        .values_list("pk", flat=True)
    )


def dossiers_recompute_due(*, province_id: int, days: list[datetime.date]) -> int:
    """Replay every dossier a calendar correction touches; return how many changed."""
    return sum(dossier_replay(dossier_id=pk) for pk in list(dossiers_touching(province_id, days)))
