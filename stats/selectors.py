"""Read the precomputed figures for a province or an agency over a month or a year.

A period's flows (stats.constants.FLOWS) are the sum of its months'; its stocks (STOCKS) are
those of its last month with figures, at that month's end (or when its figures were computed,
for the current month): a dossier in progress for three months is one dossier, not three.
"""

import datetime
from dataclasses import dataclass, fields

from django.db.models import Q, Sum

from procedures.models import Agency
from stats.constants import FLOWS, INDICATOR_LABELS, INDICATORS, NOT_AVAILABLE, STOCKS
from stats.models import MonthlyFigure, MonthlyProcedureFigure, MonthlyRefresh
from stats.services import month_bounds


@dataclass
class Figures:
    # Flows.
    received: int = 0
    received_online: int = 0
    refused: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    resolved_e_result: int = 0
    returned: int = 0
    returned_online: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0
    # Stocks.
    pending_on_time: int = 0
    pending_overdue: int = 0
    pending_paused: int = 0
    not_accepted: int = 0

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def pending(self) -> int:
        """In progress: within time, overdue, or paused waiting for the citizen."""
        return self.pending_on_time + self.pending_overdue + self.pending_paused

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

    @property
    def e_result_rate(self) -> float | None:
        return _rate(self.resolved_e_result, self.resolved)

    @property
    def online_return_rate(self) -> float | None:
        return _rate(self.returned_online, self.returned)

    def indicators(self) -> list[dict]:
        """The 766 indicators, each with its parts and its definition (stats.constants)."""
        parts = {
            "online_share": (self.received_online, self.received),
            "on_time_rate": (self.resolved_early + self.resolved_on_time, self.resolved),
            "satisfaction_rate": (self.ratings_satisfied, self.ratings),
            "e_result_rate": (self.resolved_e_result, self.resolved),
            "online_return_rate": (self.returned_online, self.returned),
        }
        rows = []
        for key, definition in INDICATORS.items():
            part, whole = parts.get(key, (None, None))
            rate = _rate(part, whole) if key in parts else None
            rows.append(
                {
                    "key": key,
                    "label": INDICATOR_LABELS[key],
                    "definition": definition,
                    "part": part,
                    "whole": whole,
                    "percent": None if rate is None else round(100 * rate, 1),
                    "unavailable": NOT_AVAILABLE.get(key),
                }
            )
        return rows


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
    """Return the figures, top procedures and freshness for `agency`'s subtree (None: all).

    - computed_at: when the period's newest figures were computed (None: none computed yet);
    - stock_at: the moment the stocks describe: the end of the period's last month with
      figures, or when that month's figures were computed if it had not ended then.
    """
    first, last = period_months(year, month)
    refreshes = list(
        MonthlyRefresh.objects.filter(month__gte=first, month__lte=last)
        .order_by("-month")
        .values_list("month", "computed_at")
    )
    if not refreshes:
        return {
            "figures": Figures(),
            "top": [],
            "computed_at": None,
            "stock_at": None,
            "stock_final": False,
        }
    stock_month, stock_computed_at = refreshes[0]
    month_end = month_bounds(stock_month)[1]
    figures, procedures = _scope(agency)
    totals = figures.filter(month__gte=first, month__lte=last).aggregate(
        **{name: Sum(name) for name in FLOWS},
        **{name: Sum(name, filter=Q(month=stock_month)) for name in STOCKS},
    )
    top = list(
        procedures.filter(month__gte=first, month__lte=last)
        .values("procedure__code", "procedure__name")
        .annotate(received=Sum("received"))
        .order_by("-received", "procedure__name")[:10]
    )
    return {
        "figures": Figures(**{field.name: totals[field.name] or 0 for field in fields(Figures)}),
        "top": top,
        "computed_at": max(computed_at for _, computed_at in refreshes),
        # At the month's end (a past month), or when its figures were computed.
        "stock_at": min(stock_computed_at, month_end),
        "stock_final": stock_computed_at >= month_end,
    }
