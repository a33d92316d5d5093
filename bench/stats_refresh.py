"""Statistics refresh at scale (issue 15): what a page's inline recompute costs its visitor.

    .venv/bin/python bench/stats_refresh.py [--dossiers 1000000] [--runs 3] [--keep-db]

Seeds a PostgreSQL database (default postgres://postgres@127.0.0.1:5432/portal_bench_stats,
BENCH_DATABASE_URL overrides; Redis database 14) as the lookup benchmark does: the demo catalogue,
bench/seed_dossiers.py's dossiers and a third of the returned ones rated. Then times, in this
process, each case after one untimed call (warm):

- stats_refresh_month() for this month (stocks judged now) and for last month (a past month:
  its stocks judged from the history at its end);
- stats_refresh_if_stale() when stale: both months (this month computed 16 minutes ago, last
  month before its end), then this month alone; and once when fresh (one cache read);
- `manage.py stats_recompute` over every month, in a subprocess, each month's line timed.

Then EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of each month's refresh. Writes
bench/results/stats_refresh-<timestamp>.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_stats"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="timed calls per case")
    parser.add_argument("--keep-db", action="store_true", help="reuse a seeded database")
    return parser.parse_args(argv)


def timed(function, runs: int, before=None) -> list[float]:
    """Seconds of each of `runs` calls of `function` after one untimed call; `before()` (not
    timed) runs ahead of every call."""
    times = []
    for n in range(runs + 1):
        if before:
            before()
        started = time.perf_counter()
        function()
        if n:
            times.append(round(time.perf_counter() - started, 4))
    return times


def make_stale(*, both: bool) -> None:
    """Age the refresh records as a visitor would find them 16 minutes after the last refresh
    (and last month computed before its end), and forget that the figures were current."""
    from django.core.cache import caches
    from django.utils import timezone

    from stats.models import MonthlyRefresh
    from stats.services import FRESH_KEY, month_bounds, recent_months

    now = timezone.now()
    last, this = recent_months(now)
    aged = datetime.timedelta(minutes=16)
    MonthlyRefresh.objects.filter(month=this).update(computed_at=now - aged)
    if both:
        MonthlyRefresh.objects.filter(month=last).update(computed_at=month_bounds(last)[1] - aged)
    caches["default"].delete(FRESH_KEY)


def refresh_if_stale() -> None:
    from stats.services import stats_refresh_if_stale

    if stats_refresh_if_stale() is None:
        raise common.BenchError("stats_refresh_if_stale() found the lock held")


def slowest_statement(month: datetime.date) -> dict:
    """The slowest statement of one refresh of `month`, and its EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stats.services import stats_refresh_month

    with CaptureQueriesContext(connection) as captured:
        stats_refresh_month(month=month)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    sql = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))  # ANALYZE runs it
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "month": month.isoformat(),
        "statements": len(queries),
        "slowest": [(round(float(q["time"]), 3), q["sql"][:80]) for q in queries[:5]],
        "sql": sql,
        "plan": plan,
    }


def recompute_all(env: dict) -> dict:
    """`manage.py stats_recompute` in a subprocess; seconds in all and per month line."""
    command = [sys.executable, "manage.py", "stats_recompute"]
    started = last = time.perf_counter()
    months = []
    with subprocess.Popen(
        command, cwd=common.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True
    ) as process:
        for line in process.stdout:
            now = time.perf_counter()
            months.append((line.strip(), round(now - last, 2)))
            last = now
    if process.returncode:
        raise common.BenchError(f"manage.py stats_recompute failed ({process.returncode})")
    return {"seconds": round(time.perf_counter() - started, 1), "months": months}


def main(argv=None) -> int:
    args = parse_args(argv)
    common.install_signal_handlers()
    stamp = common.timestamp()
    db = common.bench_database_url(DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    calibration = [common.cpu_calibration_ms()]
    env = common.portal_env(
        database_url=db.url,
        redis_url=redis_url,
        static_root=Path(tempfile.gettempdir()) / "bench-stats-static",
        CACHE_KEY_PREFIX=f"bench-stats-{stamp}",
    )
    common.setup_django(env)
    from django.utils import timezone

    from bench.backoffice import prepare_database
    from bench.lookup import seed_ratings
    from dossiers.models import Dossier, DossierEvent
    from stats.services import month_bounds, recent_months, stats_refresh_month

    prepared = prepare_database(db, env, keep=args.keep_db, total=args.dossiers)
    for key in ("officer", "superuser", "ward"):
        prepared.pop(key)
    prepared["ratings"] = seed_ratings()
    counts = {"dossiers": Dossier.objects.count(), "events": DossierEvent.objects.count()}
    last, this = recent_months(timezone.now())
    for month in (last, this):
        start, end = month_bounds(month)
        counts[f"received {month:%m/%Y}"] = Dossier.objects.filter(
            received_at__gte=start, received_at__lt=end
        ).count()
    common.log(f"{counts}; timing {last:%m/%Y} and {this:%m/%Y}")

    load = [os.getloadavg()[0]]
    cases = {
        f"stats_refresh_month, this month ({this:%m/%Y})": timed(
            lambda: stats_refresh_month(month=this), args.runs
        ),
        f"stats_refresh_month, last month ({last:%m/%Y})": timed(
            lambda: stats_refresh_month(month=last), args.runs
        ),
        "stats_refresh_if_stale(), both months stale": timed(
            refresh_if_stale, args.runs, before=lambda: make_stale(both=True)
        ),
        "stats_refresh_if_stale(), this month stale": timed(
            refresh_if_stale, args.runs, before=lambda: make_stale(both=False)
        ),
        "stats_refresh_if_stale(), fresh (one cache read)": timed(refresh_if_stale, args.runs),
    }
    for name, times in cases.items():
        common.log(f"{name}: {times} s")
    load.append(os.getloadavg()[0])
    plans = [slowest_statement(this), slowest_statement(last)]
    for plan in plans:
        common.log(f"{plan['month']}: slowest statements {[t for t, _ in plan['slowest']]} s")
    recompute = recompute_all(env)
    common.log(f"stats_recompute: {len(recompute['months'])} months in {recompute['seconds']} s")
    load.append(os.getloadavg()[0])
    calibration.append(common.cpu_calibration_ms())

    table = [
        "| call | s per call (runs) | median s |",
        "| --- | --- | ---: |",
        *(
            f"| {name} | {', '.join(f'{t:.4f}' for t in times)} | {statistics.median(times):.4f} |"
            for name, times in cases.items()
        ),
        f"| `manage.py stats_recompute`, {len(recompute['months'])} months | "
        f"{recompute['seconds']} | {recompute['seconds']} |",
    ]
    payload = common.result_payload(
        "stats_refresh",
        issue=15,
        stamp=stamp,
        args=args,
        machine=common.machine_info(db=db, redis_url=redis_url),
        cpu_calibration_ms=calibration,
        load_average_1min=load,
        database={"name": db.name, **counts, **prepared},
        cases=cases,
        recompute=recompute,
        slowest=plans,
        table_markdown="\n".join(table),
    )
    common.report(payload, summary=[f"{counts['dossiers']} dossiers, {counts['events']} events"])
    return 0


if __name__ == "__main__":
    common.run(main)
