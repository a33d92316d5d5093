"""Precompute the public statistics (domain.md §5), one month at a time."""

import datetime

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from dossiers.constants import FINAL, Channel
from dossiers.models import Dossier, DossierEvent
from stats.models import MonthlyFigure, MonthlyProcedureFigure
from tracking.constants import Satisfaction
from tracking.models import Rating

COUNTERS = [
    "received",
    "received_online",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_on_time",
    "pending_overdue",
    "ratings",
    "ratings_satisfied",
]


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(month.year, month.month, 1))
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start, timezone.make_aware(datetime.datetime(following.year, following.month, 1))


@transaction.atomic
def stats_refresh_month(*, month: datetime.date, now: datetime.datetime | None = None) -> int:
    """Recompute every agency's figures for `month`; return the number of agencies with data.

    - received: submitted in the month; online share from the channel;
    - resolved: result ready in the month, before the due day (trước hạn), by the due time
      (đúng hạn) or after it (quá hạn);
    - in progress at the month's end (or now, for the current month): received and neither
      resolved nor closed by then, within time or overdue against the due date;
    - satisfaction: ratings given in the month, "Rất hài lòng" and "Hài lòng" count as satisfied.
    """
    month = month.replace(day=1)
    start, end = month_bounds(month)
    now = now or timezone.now()
    cut = min(end, now)
    figures: dict[int, dict[str, int]] = {}

    def add(rows, mapping):
        for row in rows:
            counters = figures.setdefault(row["receiving_agency"], dict.fromkeys(COUNTERS, 0))
            for target, source in mapping.items():
                counters[target] += row[source]

    submitted = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    add(
        submitted.values("receiving_agency").annotate(
            n=Count("pk"), online=Count("pk", filter=Q(channel=Channel.ONLINE))
        ),
        {"received": "n", "received_online": "online"},
    )
    resolved = Dossier.objects.filter(resolved_at__gte=start, resolved_at__lt=end).exclude(
        due_at=None
    )
    add(
        resolved.annotate(day=TruncDate("resolved_at"), due_day=TruncDate("due_at"))
        .values("receiving_agency")
        .annotate(
            early=Count("pk", filter=Q(day__lt=F("due_day"))),
            on_time=Count("pk", filter=Q(day__gte=F("due_day"), resolved_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(resolved_at__gt=F("due_at"))),
        ),
        {"resolved_early": "early", "resolved_on_time": "on_time", "resolved_late": "late"},
    )
    closed_by_cut = DossierEvent.objects.filter(
        dossier=OuterRef("pk"), to_status__in=FINAL, created_at__lt=cut
    )
    pending = (
        Dossier.objects.filter(received_at__lt=cut)
        .exclude(due_at=None)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=cut))
        .exclude(Exists(closed_by_cut))
    )
    add(
        pending.values("receiving_agency").annotate(
            on_time=Count("pk", filter=Q(due_at__gte=cut)),
            overdue=Count("pk", filter=Q(due_at__lt=cut)),
        ),
        {"pending_on_time": "on_time", "pending_overdue": "overdue"},
    )
    rated = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    add(
        rated.values(receiving_agency=F("dossier__receiving_agency")).annotate(
            n=Count("pk"),
            satisfied=Count(
                "pk", filter=Q(score__in=[Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED])
            ),
        ),
        {"ratings": "n", "ratings_satisfied": "satisfied"},
    )

    MonthlyFigure.objects.filter(month=month).delete()
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(agency_id=agency, month=month, computed_at=now, **counters)
        for agency, counters in figures.items()
    )
    MonthlyProcedureFigure.objects.filter(month=month).delete()
    MonthlyProcedureFigure.objects.bulk_create(
        MonthlyProcedureFigure(
            agency_id=row["receiving_agency"],
            month=month,
            procedure_id=row["procedure"],
            received=row["n"],
        )
        for row in submitted.values("receiving_agency", "procedure").annotate(n=Count("pk"))
    )
    return len(figures)


def stats_refresh_recent(*, now: datetime.datetime | None = None) -> None:
    """Refresh this month and the last (a late rating or result still changes last month)."""
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    for month in (last_month, this_month):
        stats_refresh_month(month=month, now=now)
