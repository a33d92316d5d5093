"""Benchmark of the public lookup and statistics (issue 6) with 1,000,000 dossiers.

    .venv/bin/python bench/lookup.py [--duration 10] [--connections 16] [--keep-db]

Seeds a PostgreSQL database (default postgres://postgres@127.0.0.1:5432/portal_bench_lookup,
BENCH_DATABASE_URL overrides) with the demo catalogue and 1,000,000 dossiers and their history
(bench/seed_dossiers.py, as the back-office benchmark does), ratings for a third of the returned
ones, and times the statistics' precomputation: every month once, then the beat task's refresh
of this month and the last. Then serves the portal with gunicorn as docker-compose's web service
does and measures with `wrk --latency` on loopback, each run cycling through many dossiers
(bench/replay.lua in its cycle mode), never one page over and over:

- lookup by code (`/tra-cuu/?ma=…`): 5,000 dossiers in turn (repeat visits, which the page cache
  serves), 50,000 others once each (first visits, rendered afresh), and unknown codes;
- the second factor (POST `/tra-cuu/xac-thuc/` with the right mobile number, 2,000 dossiers: a
  redirect to the details and a new session each time);
- the details shown after the second factor (`/tra-cuu/<code>/chi-tiet/`, 500 verified sessions);
- the statistics page for the whole portal, each province and each ward, month by month and by
  year, and its CSV.

The rate limits stay on (every request counts against them in Redis) but are raised far above
the load, which comes from one address. Target: the lookup by code, as its page cache serves
it, at least half the bare view's rate (the bare view `/healthz` is measured before and after the
pages); first visits and unknown codes, which no cache serves, are recorded. Then each page is
requested in this process to count its queries, the statistics page with the page cache off.
Prints a markdown table and writes bench/results/lookup-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_lookup"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
# The target is the lookup as the page cache serves it, as for the catalogue's pages (issue 2); a
# first visit and an unknown code, which the cache cannot serve, are measured and recorded.
TARGET_PAGE = "lookup by code"
HIGH_RATE = "100000000/second"  # the limits run, but one address sending thousands a second passes


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of wrk before measuring")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument(
        "--codes", type=int, default=5000, help="dossiers looked up by code, again and again"
    )
    parser.add_argument(
        "--first-codes",
        type=int,
        default=50_000,
        help="other dossiers looked up once each (first visits: nothing cached)",
    )
    parser.add_argument("--verifications", type=int, default=2000, help="dossiers verified")
    parser.add_argument("--sessions", type=int, default=500, help="verified sessions")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="reuse the database if it exists (seeds dossiers only if it has none)",
    )
    parser.add_argument("--target", type=float, default=common.DEFAULT_TARGET_RATIO)
    parser.add_argument("--seed", type=int, default=6, help="seed of the sampled dossiers")
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this text"
    )
    return parser.parse_args(argv)


# --- Data ----------------------------------------------------------------------------------


def seed_ratings(share: float = 1 / 3) -> int:
    """Ratings for `share` of the returned dossiers, a day after the return (once per database)."""
    from django.db import connection

    from tracking.models import Rating

    if Rating.objects.exists():
        return Rating.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tracking_rating (dossier_id, score, comment, created_at)
            SELECT id, 1 + (id %% 10 = 0)::int + (id %% 25 = 0)::int, '',
                   returned_at + interval '1 day'
            FROM dossiers_dossier
            WHERE status = 10 AND returned_at IS NOT NULL AND random() < %s
            """,
            [share],
        )
        added = cursor.rowcount
        cursor.execute("ANALYZE tracking_rating")
    return added


def refresh_statistics() -> dict:
    """Compute every month's figures, timing the whole history and the beat task's refresh."""
    import datetime

    from django.db.models import Min
    from django.utils import timezone

    from dossiers.models import Dossier
    from stats.services import stats_refresh_month, stats_refresh_recent

    first = Dossier.objects.aggregate(first=Min("submitted_at"))["first"]
    month = timezone.localdate(first).replace(day=1)
    this_month = timezone.localdate().replace(day=1)
    months, started = [], time.monotonic()
    while month <= this_month:
        began = time.monotonic()
        agencies = stats_refresh_month(month=month)
        months.append((month.isoformat(), agencies, round(time.monotonic() - began, 2)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    history_s = round(time.monotonic() - started, 1)
    recent = []
    for _ in range(3):
        began = time.monotonic()
        stats_refresh_recent()
        recent.append(round(time.monotonic() - began, 2))
    common.log(
        f"statistics: {len(months)} months in {history_s} s; the beat task's refresh "
        f"(this month and the last): {recent} s"
    )
    return {"months": months, "history_s": history_s, "recent_refresh_s": recent}


def sample(args) -> dict:
    """Random dossiers to look up (codes and mobile numbers) from the whole table."""
    from dossiers.models import Dossier

    rng = random.Random(args.seed)
    top = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first()
    wanted = max(args.codes, args.verifications, args.sessions) + args.first_codes
    ids = rng.sample(range(1, top + 1), min(top, wanted * 2))
    rows = list(Dossier.objects.filter(pk__in=ids).values_list("code", "applicant_phone"))
    rng.shuffle(rows)
    if len(rows) < wanted:
        raise common.BenchError(f"only {len(rows)} dossiers sampled, {wanted} wanted")
    return {"dossiers": rows[:wanted], "top_id": top}


def verified_session(code: str) -> str:
    """A session in which `code` passed the second factor, as tracking.views.verify leaves it."""
    from django.contrib.sessions.backends.db import SessionStore

    from dossiers.access import DOSSIERS

    session = SessionStore()
    session[DOSSIERS] = [code]
    session.create()
    return session.session_key


def statistics_paths() -> list[str]:
    """The statistics page for the portal, each province and each receiving unit, by month
    (the last 24) and by year."""
    from django.utils import timezone

    from procedures.selectors import agency_receiving_units, province_list

    today = timezone.localdate()
    periods = []
    year, month = today.year, today.month
    for _ in range(24):
        periods.append({"nam": year, "thang": month})
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    periods += [{"nam": today.year, "thang": ""}, {"nam": today.year - 1, "thang": ""}]
    scopes = [{}]
    for province in province_list():
        scopes.append({"tinh": province.code})
        scopes += [
            {"tinh": province.code, "co_quan": unit.code}
            for unit in agency_receiving_units(province_code=province.code)
        ]
    return [
        "/thong-ke/?" + urllib.parse.urlencode({**scope, **period})
        for scope in scopes
        for period in periods
    ]


def write_requests(path: Path, lines: list[tuple[str, str, str, str]]) -> Path:
    path.write_text("".join("\t".join(line) + "\n" for line in lines))
    return path


def pages_for(work: Path, data: dict, args) -> list[common.Page]:
    from django.utils.crypto import get_random_string

    rng = random.Random(args.seed)
    dossiers = data["dossiers"]
    lookups = [
        ("GET", "/tra-cuu/?" + urllib.parse.urlencode({"ma": code}), "", "")
        for code, _ in dossiers[: args.codes]
    ]
    first_visits = [
        ("GET", "/tra-cuu/?" + urllib.parse.urlencode({"ma": code}), "", "")
        for code, _ in dossiers[-args.first_codes :]
    ]
    unknown = [
        # The same agencies and numbers on 31/12/2099: well-formed codes that no dossier has.
        (
            "GET",
            "/tra-cuu/?" + urllib.parse.urlencode({"ma": re.sub(r"-\d{6}-", "-991231-", c)}),
            "",
            "",
        )
        for c, _ in dossiers[: args.codes]
    ]
    csrf = get_random_string(32)
    verifications = [
        (
            "POST",
            "/tra-cuu/xac-thuc/",
            f"csrftoken={csrf}",
            urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "ma": code, "dien_thoai": phone}),
        )
        for code, phone in dossiers[: args.verifications]
    ]
    details = [
        ("GET", f"/tra-cuu/{code}/chi-tiet/", f"sessionid={verified_session(code)}", "")
        for code, _ in dossiers[: args.sessions]
    ]
    stats_paths = statistics_paths()
    rng.shuffle(stats_paths)
    stats_pages = [("GET", path, "", "") for path in stats_paths]
    stats_csv = [("GET", path + "&dinh_dang=csv", "", "") for path in stats_paths]

    def page(name, filename, lines, note, status=200, prime=False):
        file = write_requests(work / filename, lines)
        return common.Page(
            name, lines[0][1], note=note, requests_file=file, status=status, prime=prime
        )

    return [
        common.Page("bare view", "/healthz", baseline=True, note="before the pages"),
        page(
            "lookup by code",
            "lookup.txt",
            lookups,
            f"{len(lookups)} dossiers in turn, each looked up once before (repeat visits)",
            prime=True,
        ),
        page(
            "lookup by code, first visit",
            "first-visit.txt",
            first_visits,
            f"{len(first_visits)} other dossiers, none twice (rendered afresh)",
        ),
        page(
            "lookup, unknown code",
            "unknown.txt",
            unknown,
            f"{len(unknown)} codes in turn; 404",
            status=404,
        ),
        page(
            "second factor (POST)",
            "verify.txt",
            verifications,
            f"{len(verifications)} dossiers in turn; 302 to the details, a new session each",
            status=302,
        ),
        page(
            "details after second factor",
            "details.txt",
            details,
            f"{len(details)} verified sessions in turn",
        ),
        # Primed: at a slow host's rate of misses a 10 s run would not see each URL twice.
        page(
            "statistics",
            "stats.txt",
            stats_pages,
            f"{len(stats_pages)} scopes × periods, each asked once before",
            prime=True,
        ),
        page(
            "statistics CSV",
            "stats-csv.txt",
            stats_csv,
            f"{len(stats_csv)} scopes × periods, each asked once before",
            prime=True,
        ),
        common.Page("bare view (again)", "/healthz", baseline=True, note="after the pages"),
    ]


# --- Queries -------------------------------------------------------------------------------


def profile_page(page: common.Page) -> dict:
    """common.profile_in_process with the page cache off, so a cached page shows what a miss
    costs."""
    from django.test import override_settings

    with override_settings(CATALOGUE_CACHE_SECONDS=0, LOOKUP_CACHE_SECONDS=0):
        return common.profile_in_process(page, slowest=3)[0]


# --- Report --------------------------------------------------------------------------------


def markdown_table(rows: list[dict], profiles: list[dict], target_ratio: float) -> str:
    by_name = {p["page"]: p for p in profiles}
    lines = [
        "| page | requests | req/s | p50 ms | p99 ms | ratio to bare view | app CPU ms/request "
        f"| queries (uncached) | in-process ms (uncached) | target (≥ {target_ratio:.0%}) met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        profile = by_name.get(row["page"], {})
        met = "—" if row["target_met"] is None else ("yes" if row["target_met"] else "**no**")
        cpu = "" if not row.get("cpu") else f"{row['cpu']['gunicorn_ms_per_request']:.1f}"
        lines.append(
            f"| {row['page']} | {row['note']} | {row['requests_per_sec']:.0f} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['ratio_to_bare']:.2f} | {cpu} | "
            f"{profile.get('queries', '')} | {profile.get('in_process_ms_median', '')} | {met} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    common.install_signal_handlers()
    stamp = common.timestamp()
    db = common.bench_database_url(DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)

    calibration_before = common.cpu_calibration_ms()
    with tempfile.TemporaryDirectory(prefix="bench-lookup-") as work:
        work = Path(work)
        env = common.portal_env(
            database_url=db.url,
            redis_url=redis_url,
            static_root=work / "static",
            MEDIA_ROOT=str(work / "media"),
            CACHE_KEY_PREFIX=f"bench-lookup-{stamp}",
            LOOKUP_RATE_PER_IP=HIGH_RATE,
            VERIFY_RATE_PER_IP=HIGH_RATE,
            VERIFY_RATE_PER_CODE=HIGH_RATE,
        )
        common.setup_django(env)
        from bench.backoffice import prepare_database

        prepared = prepare_database(db, env, keep=args.keep_db, total=args.dossiers)
        for key in ("officer", "superuser", "ward"):
            prepared.pop(key)
        prepared["ratings"] = seed_ratings()
        prepared["statistics"] = refresh_statistics()
        data = sample(args)
        pages = pages_for(work, data, args)
        pages = common.only(pages, args.only)

        from django.db import connections

        from dossiers.models import Dossier

        dossiers = Dossier.objects.count()
        common.log(f"{dossiers} dossiers, {prepared['ratings']} ratings")
        measurements, server = common.serve_and_measure(env, work, pages, args, db=db)

        profiles = [profile_page(page) for page in pages if not page.baseline]
        connections.close_all()

    rows = common.rows(measurements, target_ratio=args.target)
    for row, measurement in zip(rows, measurements, strict=True):
        row["cpu"] = measurement.cpu
        if row["page"] != TARGET_PAGE and not row["baseline"]:
            row["target_met"] = None  # recorded (docs/benchmarks.md, Lookup: the target)
    payload = common.result_payload(
        "lookup",
        issue=6,
        stamp=stamp,
        args=args,
        machine=common.machine_info(db=db, redis_url=redis_url),
        cpu_calibration_ms=[calibration_before, common.cpu_calibration_ms()],
        server=server,
        database={"name": db.name, "dossiers": dossiers, **prepared},
        target_ratio=args.target,
        results=rows,
        profiles=profiles,
        table_markdown=markdown_table(rows, profiles, args.target),
    )
    common.report(
        payload,
        summary=[
            f"{server['workers']} gunicorn workers; wrk {args.threads} threads, {args.connections} "
            f"connections, {args.duration:g} s per page; bare view "
            f"{common.baseline_rps(measurements):.0f} req/s (mean of two runs)"
        ],
        missed=[r["page"] for r in rows if r["target_met"] is False],
        missed_label=f"under {args.target:.0%} of the bare view",
    )
    return 0


if __name__ == "__main__":
    common.run(main)
