"""Count one month's figures per receiving agency, in a few aggregate queries.

Whether a dossier is on time is dossiers.timeliness's judgement, never one of our own: the
resolved ones are split by its SQL equivalents, and the dossiers in progress now by its
`running()`, as the queues and the lookup do. A past month's end is judged from the history,
as it stood then: a dossier resolved later was in progress, a pause open then (a request for a
supplement or for the fee, not yet answered) made it paused, and its legal due date was the one
its last step before the cut recorded.
"""

import datetime

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from dossiers import deadlines, timeliness
from dossiers.constants import FINAL, Channel, EventAction
from dossiers.deadlines import RESUMES
from dossiers.models import Dossier, DossierEvent
from procedures.constants import ResultDelivery
from stats.constants import COUNTERS
from tracking.constants import Satisfaction
from tracking.models import Rating

NOT_ACCEPTED = "not_accepted"
# The state of a dossier at the cut (timeliness's states; due soon is within time) → counter.
STOCK_COUNTERS = {
    NOT_ACCEPTED: "not_accepted",
    timeliness.PAUSED: "pending_paused",
    timeliness.OVERDUE: "pending_overdue",
    timeliness.IN_TIME: "pending_on_time",
}


class Tally:
    """The counters of each receiving agency, filled from grouped rows."""

    def __init__(self):
        self.by_agency: dict[int, dict[str, int]] = {}

    def counters(self, agency: int) -> dict[str, int]:
        return self.by_agency.setdefault(agency, dict.fromkeys(COUNTERS, 0))

    def add(self, rows, **mapping: str) -> None:
        """Add each row's `mapping` values (counter=column) to its agency's counters."""
        for row in rows:
            counters = self.counters(row["receiver"])
            for counter, column in mapping.items():
                counters[counter] += row[column]


def accepted(start: datetime.datetime, end: datetime.datetime):
    """The dossiers accepted in the period: at the desk, or handed in there (walk-in)."""
    return Dossier.objects.filter(received_at__gte=start, received_at__lt=end)


def count_flows(tally: Tally, start: datetime.datetime, end: datetime.datetime) -> None:
    """What happened between `start` and `end`."""
    receiver = F("receiving_agency")
    tally.add(
        accepted(start, end)
        .values(receiver=receiver)
        .annotate(n=Count("pk"), online=Count("pk", filter=Q(channel=Channel.ONLINE))),
        received="n",
        received_online="online",
    )
    refusals = DossierEvent.objects.filter(
        action=EventAction.REFUSE, created_at__gte=start, created_at__lt=end
    )
    tally.add(
        refusals.values(receiver=F("dossier__receiving_agency")).annotate(
            n=Count("dossier", distinct=True)
        ),
        refused="n",
    )
    # Resolved: the result is ready (status 9 reached), whether returned yet or not. Every
    # accepted dossier has a legal due date; one without (none is accepted so) has no clock.
    resolved = Dossier.objects.filter(resolved_at__gte=start, resolved_at__lt=end).exclude(
        due_at=None
    )
    tally.add(
        timeliness.with_days(resolved)
        .values(receiver=receiver)
        .annotate(
            early=Count("pk", filter=timeliness.resolved_early()),
            on_time=Count("pk", filter=timeliness.resolved_on_time()),
            late=Count("pk", filter=timeliness.resolved_late()),
            e_result=Count("pk", filter=~Q(result_file="")),
        ),
        resolved_early="early",
        resolved_on_time="on_time",
        resolved_late="late",
        resolved_e_result="e_result",
    )
    returned = Dossier.objects.filter(returned_at__gte=start, returned_at__lt=end)
    tally.add(
        returned.values(receiver=receiver).annotate(
            n=Count("pk"), online=Count("pk", filter=Q(returned_via=ResultDelivery.ONLINE))
        ),
        returned="n",
        returned_online="online",
    )
    satisfied = [Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED]
    tally.add(
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .values(receiver=F("dossier__receiving_agency"))
        .annotate(n=Count("pk"), satisfied=Count("pk", filter=Q(score__in=satisfied))),
        ratings="n",
        ratings_satisfied="satisfied",
    )


def _add_states(tally: Tally, dossiers, state) -> None:
    rows = (
        dossiers.annotate(state=state)
        .values("state", receiver=F("receiving_agency"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["state"] in STOCK_COUNTERS:
            tally.counters(row["receiver"])[STOCK_COUNTERS[row["state"]]] += row["n"]


def count_stocks_now(tally: Tally, now: datetime.datetime) -> None:
    """The dossiers in progress or awaiting acceptance now, judged as timeliness.judge does."""
    open_dossiers = Dossier.objects.filter(resolved_at__isnull=True).exclude(status__in=FINAL)
    state = Case(
        When(received_at__isnull=True, then=Value(NOT_ACCEPTED)),
        When(paused_at__isnull=False, then=Value(timeliness.PAUSED)),
        When(~timeliness.running(), then=Value("")),
        When(due_at__lt=now, then=Value(timeliness.OVERDUE)),
        When(due_at__isnull=False, then=Value(timeliness.IN_TIME)),
        default=Value(""),
        output_field=CharField(),
    )
    _add_states(tally, open_dossiers.filter(submitted_at__lte=now), state)


def count_stocks_at(tally: Tally, cut: datetime.datetime) -> None:
    """The dossiers in progress or awaiting acceptance at `cut`, judged from the history."""
    before_cut = DossierEvent.objects.filter(dossier=OuterRef("pk"), created_at__lt=cut)
    latest = ("-created_at", "-pk")
    open_then = (
        Dossier.objects.filter(submitted_at__lt=cut)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=cut))
        .exclude(Exists(before_cut.filter(to_status__in=FINAL)))
        .annotate(
            last_pause=Subquery(
                before_cut.filter(deadlines.pausing_events())
                .order_by(*latest)
                .values("created_at")[:1]
            ),
            last_resume=Subquery(
                before_cut.filter(action__in=RESUMES).order_by(*latest).values("created_at")[:1]
            ),
            due_then=Coalesce(
                Subquery(before_cut.exclude(due_at=None).order_by(*latest).values("due_at")[:1]),
                F("due_at"),
            ),
        )
    )
    state = Case(
        When(Q(received_at__isnull=True) | Q(received_at__gte=cut), then=Value(NOT_ACCEPTED)),
        When(
            Q(last_pause__isnull=False)
            & (Q(last_resume__isnull=True) | Q(last_resume__lt=F("last_pause"))),
            then=Value(timeliness.PAUSED),
        ),
        When(due_then__lt=cut, then=Value(timeliness.OVERDUE)),
        When(due_then__isnull=False, then=Value(timeliness.IN_TIME)),
        default=Value(""),
        output_field=CharField(),
    )
    _add_states(tally, open_then, state)


def count_procedures(start: datetime.datetime, end: datetime.datetime):
    """How many dossiers of each procedure each agency accepted in the period."""
    return (
        accepted(start, end)
        .values("procedure", receiver=F("receiving_agency"))
        .annotate(n=Count("pk"))
        .order_by()
    )
