"""Read the precomputed figures for a province or an agency over a month or a year."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Sum

from procedures.models import Agency
from stats.models import MonthlyFigure, MonthlyProcedureFigure
from stats.services import COUNTERS


@dataclass
class Figures:
    received: int = 0
    received_online: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_on_time: int = 0
    pending_overdue: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def pending(self) -> int:
        return self.pending_on_time + self.pending_overdue

    @property
    def online_share(self) -> float | None:
        return _rate(self.received_online, self.received)

    @property
    def on_time_rate(self) -> float | None:
        """Share of resolved dossiers resolved before or on the due date."""
        return _rate(self.resolved_early + self.resolved_on_time, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.ratings_satisfied, self.ratings)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _scope(agency: Agency | None):
    figures = MonthlyFigure.objects.all()
    procedures = MonthlyProcedureFigure.objects.all()
    if agency is not None:
        ids = list(Agency.objects.filter(path__startswith=agency.path).values_list("pk", flat=True))
        figures = figures.filter(agency_id__in=ids)
        procedures = procedures.filter(agency_id__in=ids)
    return figures, procedures


def period_months(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    if month:
        first = datetime.date(year, month, 1)
        return first, first
    return datetime.date(year, 1, 1), datetime.date(year, 12, 1)


def figures_for(*, agency: Agency | None, year: int, month: int | None = None) -> dict:
    """Return the figures, top procedures and freshness for `agency`'s subtree (None: all)."""
    first, last = period_months(year, month)
    figures, procedures = _scope(agency)
    figures = figures.filter(month__gte=first, month__lte=last)
    totals = figures.aggregate(
        **{name: Sum(name) for name in COUNTERS}, computed=Max("computed_at")
    )
    computed_at = totals.pop("computed")
    top = list(
        procedures.filter(month__gte=first, month__lte=last)
        .values("procedure__code", "procedure__name")
        .annotate(received=Sum("received"))
        .order_by("-received", "procedure__name")[:10]
    )
    return {
        "figures": Figures(**{name: value or 0 for name, value in totals.items()}),
        "top": top,
        "computed_at": computed_at,
    }
