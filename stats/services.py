"""Precompute the public statistics (domain.md §5, §9), one month at a time, and keep the
current month's figures no older than STATS_REFRESH_SECONDS."""

import datetime
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from stats import counting
from stats.models import MonthlyFigure, MonthlyProcedureFigure, MonthlyRefresh

# Whether the figures are current, shared by every worker; dropped whenever a month is computed.
FRESH_KEY = "stats:fresh"
# Held by the one request that recomputes stale figures; the others serve the figures in force.
LOCK_KEY = "stats:refreshing"
LOCK_SECONDS = 300


def refresh_seconds() -> int:
    """How long figures stay current (settings.STATS_REFRESH_SECONDS, by default 15 minutes)."""
    return settings.STATS_REFRESH_SECONDS


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(month.year, month.month, 1))
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start, timezone.make_aware(datetime.datetime(following.year, following.month, 1))


def recent_months(now: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """Last month and this month (local dates)."""
    this_month = timezone.localdate(now).replace(day=1)
    return (this_month - datetime.timedelta(days=1)).replace(day=1), this_month


@transaction.atomic
def stats_refresh_month(*, month: datetime.date, now: datetime.datetime | None = None) -> int:
    """Recompute every agency's figures for `month`; return the number of agencies with data.

    Flows, in the month:
    - received: accepted (received_at), online share from the channel; refused: refusals;
    - resolved: result ready (status 9 reached, resolved_at), returned or not, split by
      dossiers.timeliness into before the due day, by the due time, late (an apology is late);
      with an electronic result file; returned: handed over (returned_at), online or not;
    - satisfaction: ratings given, "Rất hài lòng" and "Hài lòng" count as satisfied.
    Stocks, at the month's end (now, for the current month): in progress within time, overdue
    or paused; submitted and not yet accepted.
    """
    month = month.replace(day=1)
    start, end = month_bounds(month)
    now = now or timezone.now()
    # The row is the lock: a refresh of the same month by the beat and by a page waits at this
    # update until the other commits, rather than colliding on the figures' unique constraint.
    MonthlyRefresh.objects.get_or_create(month=month, defaults={"computed_at": now})
    MonthlyRefresh.objects.filter(month=month).update(computed_at=now)

    tally = counting.Tally()
    counting.count_flows(tally, start, end)
    if now < end:
        counting.count_stocks_now(tally, now)
    else:
        counting.count_stocks_at(tally, end)

    MonthlyFigure.objects.filter(month=month).delete()
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(agency_id=agency, month=month, **counters)
        for agency, counters in tally.by_agency.items()
    )
    MonthlyProcedureFigure.objects.filter(month=month).delete()
    MonthlyProcedureFigure.objects.bulk_create(
        MonthlyProcedureFigure(
            agency_id=row["receiver"], month=month, procedure_id=row["procedure"], received=row["n"]
        )
        for row in counting.count_procedures(start, end)
    )
    transaction.on_commit(stats_changed, robust=True)  # the figures are saved
    return len(tally.by_agency)


def stats_changed() -> None:
    """Forget that the figures were current: the next page checks them and keys its cache anew."""
    caches["default"].delete(FRESH_KEY)


def stats_refresh_recent(*, now: datetime.datetime | None = None) -> None:
    """Refresh this month and the last (the last one's end is judged once it has passed)."""
    for month in recent_months(now or timezone.now()):
        stats_refresh_month(month=month, now=now)


@dataclass(frozen=True)
class Freshness:
    """The figures in force: `version` changes whenever they do (a page cache key part), and
    they stay current until `until` (a POSIX timestamp)."""

    version: str
    until: float

    def seconds_left(self, now: datetime.datetime) -> int:
        return max(0, math.floor(self.until - now.timestamp()))


def _stale(month: datetime.date, computed_at: datetime.datetime | None, now) -> bool:
    # A month computed after its end is final; one computed before it ages like the current one.
    if computed_at is None:
        return True
    return computed_at < month_bounds(month)[1] and computed_at <= now - _refresh_period()


def _refresh_period() -> datetime.timedelta:
    return datetime.timedelta(seconds=refresh_seconds())


def stats_refresh_months(months: list[str], *, now: datetime.datetime | None = None) -> None:
    """Recompute `months` (ISO dates of their first days), then let the next stale check in:
    the work stats_refresh_if_stale hands over, in a task or in process."""
    try:
        for month in months:
            stats_refresh_month(month=datetime.date.fromisoformat(month), now=now)
    finally:
        caches["default"].delete(LOCK_KEY)


def stats_refresh_if_stale(
    *,
    now: datetime.datetime | None = None,
    recompute: Callable[[list[str]], object] | None = None,
) -> Freshness | None:
    """Return the figures' freshness; when this month's figures (or last month's, computed
    before it ended) are older than STATS_REFRESH_SECONDS, first hand them to `recompute`
    (stats_refresh_months by default; the page queues the task instead, so that no visitor
    waits for it: seconds at a million dossiers, docs/benchmarks.md). Return None while the
    figures are being recomputed: serve those in force, uncached.

    Costs one cache read while the figures are current.
    """
    now = now or timezone.now()
    cache = caches["default"]
    # Kept as a plain tuple: a pickled class would break on a deploy that changes it.
    kept = cache.get(FRESH_KEY)
    if kept is not None and now.timestamp() < kept[1]:
        return Freshness(*kept)
    months = recent_months(now)

    def computed_now() -> dict:
        refreshes = MonthlyRefresh.objects.filter(month__in=months)
        return dict(refreshes.values_list("month", "computed_at"))

    computed = computed_now()
    stale = [month for month in months if _stale(month, computed.get(month), now)]
    if stale:
        if not cache.add(LOCK_KEY, now.timestamp(), LOCK_SECONDS):
            return None
        if recompute is None:
            stats_refresh_months([month.isoformat() for month in stale], now=now)
        else:
            recompute([month.isoformat() for month in stale])  # it releases the lock
        computed = computed_now()  # done already if the recompute ran in process
        if any(_stale(month, computed.get(month), now) for month in stale):
            return None
    until = min(
        (
            computed_at + _refresh_period()
            for month, computed_at in computed.items()
            if computed_at < month_bounds(month)[1]
        ),
        default=now + _refresh_period(),
    )
    fresh = Freshness(version=secrets.token_hex(6), until=until.timestamp())
    cache.set(FRESH_KEY, (fresh.version, fresh.until), max(1, fresh.seconds_left(now)))
    return fresh
