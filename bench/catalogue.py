"""Benchmark of the public catalogue (issue 2): home, search and procedure pages.

    .venv/bin/python bench/catalogue.py [--duration 10] [--connections 16] [--keep-db]

Seeds a PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench) with 3,355 agencies and 2,000 procedures, serves
the portal with gunicorn as docker-compose's web service does, and measures each page with
`wrk --latency` on loopback beside the bare view /healthz of the same server. Target: every page
answers at least half the bare view's requests per second. Prints a markdown table and writes
bench/results/catalogue-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEMO_AGENCIES = common.BASE_DIR / "fixtures" / "demo" / "agencies.json"
DETAIL_CODE = "1.001193"  # Đăng ký khai sinh, in the demo catalogue


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of wrk before measuring")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="reuse the benchmark database if it exists (seeding only tops it up)",
    )
    parser.add_argument(
        "--target", type=float, default=common.DEFAULT_TARGET_RATIO, help="ratio to the bare view"
    )
    return parser.parse_args(argv)


def load_demo(env: dict[str, str]) -> str:
    try:
        return common.manage("load_demo", "--no-accounts", env=env).strip()
    except common.BenchError as error:  # another engineer's fixtures may be half-written
        common.log(f"load_demo failed, going on with synthetic data only: {error}")
        return f"failed: {str(error)[:500]}"


def prepare_database(db: common.DatabaseUrl, env: dict[str, str], *, keep: bool) -> dict:
    """Create (or keep) the database, migrate, load the demo if present, top it up."""
    started = time.monotonic()
    created = common.recreate_database(db, keep=keep)
    common.log(f"database {db.name}: {'created' if created else 'kept'}")
    common.manage("migrate", "--noinput", env=env)
    demo = None
    if DEMO_AGENCIES.exists():
        demo = load_demo(env)

    from bench.seed import seed_catalogue, vacuum_analyze

    counts = seed_catalogue()
    common.log(
        "seeded: {agencies} agencies ({provinces} provinces), {procedures} procedures, "
        "{receiving_agency_rows} receiving-agency rows in {seconds} s".format(**counts)
    )
    if demo and not demo.startswith("failed"):
        # The demo gives some procedures "every commune" as receivers: load it again so that
        # they cover the synthetic wards too (as with the real agency list), whether the
        # database is new or kept.
        demo = load_demo(env)
        vacuum_analyze()
        from procedures.models import Procedure

        counts["receiving_agency_rows"] = Procedure.receiving_agencies.through.objects.count()
        common.log(f"demo reloaded: {counts['receiving_agency_rows']} receiving-agency rows")
    return {
        "database_created": created,
        "demo": demo,
        "counts": counts,
        "seconds": round(time.monotonic() - started, 1),
    }


def choose_pages() -> tuple[list[common.Page], dict]:
    """The pages to measure, with a province and a procedure that exist in the seeded data."""
    from django.db.models import Count

    from procedures.models import Procedure
    from procedures.text import fold

    through = Procedure.receiving_agencies.through
    province = (
        through.objects.filter(
            procedure__is_active=True, procedure__search_name__contains=fold("chứng thực")
        )
        .values("agency__province__code")
        .annotate(n=Count("procedure", distinct=True))
        .order_by("-n", "agency__province__code")
        .first()
    )
    if province is None:
        raise common.BenchError("no procedure matching 'chung thuc' has a receiving agency")
    province_code = province["agency__province__code"]

    # The seeded "Đăng ký khai sinh" most used that many wards receive: the receiving-agency
    # summary at full scale. The demo's 1.001193 (if loaded) has only the demo's few receivers.
    seeded = (
        Procedure.objects.filter(is_active=True, search_name__startswith="dang ky khai sinh")
        .annotate(receivers=Count("receiving_agencies"))
        .filter(receivers__gt=12)
        .order_by("-usage_count", "code")
        .first()
    ) or Procedure.objects.filter(is_active=True).order_by("-usage_count", "code").first()
    detail = Procedure.objects.filter(code=DETAIL_CODE, is_active=True).first() or seeded
    details = [detail] if detail == seeded else [detail, seeded]

    search = "/thu-tuc/?" + urllib.parse.urlencode({"q": "dang ky khai sinh"})
    filtered = "/thu-tuc/?" + urllib.parse.urlencode({"q": "chung thuc", "tinh": province_code})
    pages = [
        common.Page("bare view", "/healthz", baseline=True, note="before the pages"),
        common.Page("home", "/"),
        common.Page("search", search),
        common.Page(
            "search + province",
            filtered,
            note=f"{province['n']} matching procedures received in the province",
        ),
        *(
            common.Page(
                "procedure page" if index == 0 else "procedure page (seeded)",
                procedure.get_absolute_url(),
                note=f"{procedure.code}: {procedure.name} "
                f"({procedure.receiving_agencies.count()} receiving agencies)",
            )
            for index, procedure in enumerate(details)
        ),
        common.Page("bare view (again)", "/healthz", baseline=True, note="after the pages"),
    ]
    return pages, {"province_code": province_code, "detail_codes": [p.code for p in details]}


def main(argv=None) -> int:
    args = parse_args(argv)
    common.install_signal_handlers()
    stamp = common.timestamp()
    db = common.bench_database_url()
    redis_url = common.DEFAULT_REDIS_URL

    with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as work:
        work = Path(work)
        env = common.portal_env(
            database_url=db.url, redis_url=redis_url, static_root=work / "static"
        )
        common.setup_django(env)
        seeding = prepare_database(db, env, keep=args.keep_db)
        pages, chosen = choose_pages()
        # Other processes on the machine skew the figures: the record has the load before and after.
        measurements, server = common.serve_and_measure(env, work, pages, args)

    rows = common.rows(measurements, target_ratio=args.target)
    table = common.markdown_table(rows, target_ratio=args.target)
    bare_view_rps = round(common.baseline_rps(measurements), 1)
    common.report(
        common.result_payload(
            "catalogue",
            issue=2,
            stamp=stamp,
            args=args,
            machine=common.machine_info(db=db, redis_url=redis_url),
            server=server,
            database={"name": db.name, **seeding},
            chosen=chosen,
            bare_view_rps=bare_view_rps,
            target_ratio=args.target,
            results=rows,
            table_markdown=table,
        ),
        summary=[
            f"bare view: mean of its two runs, {bare_view_rps:.0f} req/s; "
            f"{server['workers']} gunicorn workers; wrk {args.threads} threads, {args.connections} "
            f"connections, {args.duration:g} s per page"
        ],
        missed=[r["page"] for r in rows if r["target_met"] is False],
        missed_label=f"below target (< {args.target:.0%} of the bare view)",
    )
    return 0


if __name__ == "__main__":
    common.run(main)
