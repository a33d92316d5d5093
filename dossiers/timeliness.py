"""Whether a dossier is on time: the one judgement the lookup, the queues, the slips (Mẫu 05),
the register (Mẫu 06) and the statistics share.

It judges against the legal due date (`Dossier.due_at`: hạn theo quy định, moved only by the
legal pauses, see calendars.workdays), never against the appointment shown to the citizen
(`appointment_at`, which an apology or a reset moves). A dossier that needed an apology (Mẫu 04)
is late by definition.

- Resolved (the result is ready, status 9, whether or not returned yet, status 10): before the
  due day (trước hạn), on the due day by the due time (đúng hạn), or after it (quá hạn).
- In progress: paused (waiting for the citizen: a supplement, a fee where the procedure pauses
  the clock), overdue, due within a working day, or within time.
"""

import datetime

from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.workdays import WorkCalendar
from dossiers.constants import CLOCK_RUNNING, FINAL

EARLY, ON_TIME, LATE = "early", "on_time", "late"
PAUSED, OVERDUE, DUE_SOON, IN_TIME = "paused", "overdue", "due_soon", "in_time"

LABELS = {
    EARLY: _("Trước hạn"),
    ON_TIME: _("Đúng hạn"),
    LATE: _("Quá hạn"),
    PAUSED: _("Tạm dừng, chờ công dân"),
    OVERDUE: _("Quá hạn"),
    DUE_SOON: _("Sắp đến hạn"),
    IN_TIME: _("Trong hạn"),
}


def judge_at(moment: datetime.datetime, due: datetime.datetime | None) -> str:
    """Judge a step done at `moment` against `due`: by local days, then by the minute."""
    if due is None:
        return ""
    if moment > due:
        return LATE
    if timezone.localdate(moment) < timezone.localdate(due):
        return EARLY
    return ON_TIME


def judge_result(dossier) -> str:
    """Judge a dossier whose result is ready: an apology makes it late, whatever the date."""
    if dossier.apologized_at is not None:
        return LATE
    return judge_at(dossier.resolved_at, dossier.due_at)


def due_soon_limit(now: datetime.datetime) -> datetime.datetime:
    """A dossier is due soon when its due date is within one working day from now."""
    calendar = WorkCalendar()
    return calendar.add_working_hours(now, calendar.hours_per_day)


def judge(dossier, *, now: datetime.datetime, soon: datetime.datetime | None = None) -> str:
    """Return the dossier's state (one of LABELS' keys), or "" when no clock applies.

    `soon` is due_soon_limit(now), for a caller that judges many dossiers at the same time.
    """
    if dossier.due_at is None or dossier.received_at is None:
        return ""
    if dossier.resolved_at is not None:
        return judge_result(dossier)
    if dossier.status in FINAL:
        return ""
    if dossier.paused_at is not None:
        return PAUSED
    if dossier.status not in CLOCK_RUNNING:
        return ""
    if dossier.due_at < now:
        return OVERDUE
    if dossier.due_at <= (soon or due_soon_limit(now)):
        return DUE_SOON
    return IN_TIME


def label(state: str) -> str:
    return str(LABELS[state]) if state else ""


# The same judgement in SQL, for the queues and the statistics.


def running() -> Q:
    """Dossiers whose clock runs now: in a running status and not paused."""
    return Q(status__in=CLOCK_RUNNING, paused_at__isnull=True)


def with_days(dossiers: QuerySet) -> QuerySet:
    """Annotate the local days of the result and of the due date (for trước hạn)."""
    return dossiers.annotate(resolved_day=TruncDate("resolved_at"), due_day=TruncDate("due_at"))


def resolved_late() -> Q:
    return Q(apologized_at__isnull=False) | Q(resolved_at__gt=F("due_at"))


def resolved_early() -> Q:
    """On a queryset from with_days()."""
    return ~resolved_late() & Q(resolved_day__lt=F("due_day"))


def resolved_on_time() -> Q:
    """On a queryset from with_days()."""
    return ~resolved_late() & Q(resolved_day__gte=F("due_day"))
