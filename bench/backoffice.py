"""Benchmark of the back-office (issues 4, 17): queue pages and dossier pages at 1,000,000 dossiers.

    .venv/bin/python bench/backoffice.py [--duration 10] [--connections 4] [--keep-db]

Seeds a PostgreSQL database (default postgres://postgres@127.0.0.1:5432/portal_bench_backoffice,
BENCH_DATABASE_URL overrides) with the demo catalogue and 1,000,000 dossiers (`--dossiers`) and
their history (bench/seed_dossiers.py), creates a receiving officer ("Cán bộ một cửa") and a leader
of the busiest ward, a specialist of a Sở and a superuser, signs them in by writing their
sessions, serves the portal with gunicorn as docker-compose's web service does, and measures with
`wrk --latency` on loopback, for the officer and the superuser: the admin index (queue counts),
the dossier list, four queue filters, a search by code and by phone number, and a dossier's page
(the 18 pages of issue 4); then the officer's walk-in list (dossiers received at the counter),
the ward leader's approval queue and a dossier awaiting their decision, and a Sở specialist's view
of the dossiers forwarded to the Sở (liên thông): their list, their "đang xử lý" queue and one
forwarded dossier's page. Target: p99 under 300 ms for every page.

Then, with the server stopped, each page is requested once more in this process to list its SQL
queries; the slow ones (and every query of a page over the target) are run with EXPLAIN ANALYZE.
Prints a markdown table and writes bench/results/backoffice-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_backoffice"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEMO_AGENCIES = common.BASE_DIR / "fixtures" / "demo" / "agencies.json"
OFFICER_WARD = "000.01.00.H26"  # Phường Hoàn Kiếm, the busiest ward of the seed
RESOLVING_AGENCY = (
    "000.00.06.H26"  # Sở Y tế Hà Nội: resolves the city centre's food-safety dossiers
)
TARGET_P99_MS = 300.0
CHANGELIST = "/quan-tri/dossiers/dossier/"
QUEUES = ["cho-tiep-nhan", "qua-han", "sap-den-han", "da-bo-sung"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of wrk before measuring")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="reuse the database if it exists (seeds dossiers only if it has none)",
    )
    parser.add_argument(
        "--slow-query-ms", type=float, default=20, help="EXPLAIN ANALYZE queries slower than this"
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this text"
    )
    parser.add_argument(
        "--with-suggested-indexes",
        action="store_true",
        help="add the indexes suggested in docs/benchmarks.md to the benchmark database first "
        "(an experiment: they are not in the app's migrations; without this option they are "
        "dropped if a kept database has them)",
    )
    parser.add_argument(
        "--pg-options",
        default="",
        help='PostgreSQL settings for the portal\'s connections, e.g. "-c jit=off" '
        "(passed as the `options` of DATABASE_URL; default: the server's own settings)",
    )
    return parser.parse_args(argv)


# --- Data ----------------------------------------------------------------------------------


def _officer(username: str, role, agency, name: tuple[str, str]):
    """A staff user of `agency` in `role`'s group, attached to its first department (idempotent)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from officers.models import Officer
    from procedures.constants import AgencyTier
    from procedures.models import Agency

    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username, first_name=name[0], last_name=name[1], is_staff=True)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=str(role.label)))
        desk = Agency.objects.filter(parent=agency, tier=AgencyTier.DEPARTMENT).order_by("code")
        record = Officer.objects.create(user=user, department=desk.first(), title=str(role.label))
        record.agencies.set([agency])
    return user


def ensure_users() -> dict:
    """The measured users (idempotent): the ward's receiving officer and leader, a specialist of
    the Sở that resolves forwarded dossiers, and a superuser."""
    from django.contrib.auth import get_user_model

    from officers.constants import Role
    from officers.services import roles_ensure
    from procedures.models import Agency

    roles_ensure()
    user_model = get_user_model()
    ward = Agency.objects.get(code=OFFICER_WARD)
    resolving = Agency.objects.get(code=RESOLVING_AGENCY)
    officer = _officer("bench-motcua", Role.RECEIVING, ward, ("Nguyễn Thị", "Hoa"))
    leader = _officer("bench-lanhdao", Role.LEADER, ward, ("Lê Quang", "Huy"))
    specialist = _officer("bench-so", Role.SPECIALIST, resolving, ("Bùi Thị", "Thu"))
    superuser = user_model.objects.filter(username="bench-quantri").first()
    if superuser is None:
        superuser = user_model(
            username="bench-quantri",
            first_name="Quản trị",
            last_name="Hệ thống",
            is_staff=True,
            is_superuser=True,
        )
        superuser.set_unusable_password()
        superuser.save()
    return {
        "officer": officer,
        "superuser": superuser,
        "leader": leader,
        "so": specialist,
        "ward": ward,
        "resolving": resolving,
    }


def prepare_database(db, env, *, keep: bool, total: int) -> dict:
    started = time.monotonic()
    created = common.recreate_database(db, keep=keep)
    common.log(f"database {db.name}: {'created' if created else 'kept'}")
    common.manage("migrate", "--noinput", env=env)
    if not DEMO_AGENCIES.exists():
        raise common.BenchError("fixtures/demo is missing: the dossiers use the demo's agencies")
    demo = common.manage("load_demo", "--no-accounts", env=env).strip()
    users = ensure_users()

    from dossiers.models import Dossier

    seeding = None
    if not Dossier.objects.exists():
        from bench.seed_dossiers import seed_dossiers

        seeding = seed_dossiers(
            total=total,
            extra_assignees={
                users["ward"].pk: [users["officer"]],
                users["resolving"].pk: [users["so"]],
            },
        )
        common.log(
            "seeded {dossiers} dossiers, {events} events, {supplement_requests} supplement "
            "requests, {documents} documents, {messages} messages, {proposals} proposals in "
            "{seconds} s".format(**seeding)
        )
    return {
        "database_created": created,
        "demo": demo,
        "seeding": seeding,
        "seconds": round(time.monotonic() - started, 1),
        **users,
    }


def data_summary(users: dict) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from dossiers import selectors
    from dossiers.models import Dossier, DossierEvent, SupplementRequest
    from notifications.models import Message

    now = timezone.now()
    summary = {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "supplement_requests": SupplementRequest.objects.count(),
        "messages": Message.objects.count(),
        "by_status": dict(
            Dossier.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
        ),
        "by_agency": dict(
            Dossier.objects.values_list("receiving_agency__code")
            .annotate(n=Count("pk"))
            .order_by("-n")
        ),
        "by_channel": dict(
            Dossier.objects.values_list("channel").annotate(n=Count("pk")).order_by("channel")
        ),
        "forwarded": dict(
            Dossier.objects.filter(resolving_agency__isnull=False)
            .values_list("resolving_agency__code")
            .annotate(n=Count("pk"))
            .order_by("-n")
        ),
        "at_resolving_agency": Dossier.objects.filter(at_resolving_agency=True).count(),
        "pending_proposals": Dossier.objects.filter(pending_proposal__isnull=False).count(),
    }
    for label in users:
        summary[f"queues_{label}"] = {
            q["slug"]: q["count"]
            for q in selectors.dossier_queue_counts(user=users[label], now=now)
        }
        summary[f"visible_{label}"] = selectors.dossiers_visible(users[label]).count()
    return summary


def sign_in(user) -> str:
    """A session of `user` verified by a second factor, as the admin's login writes it (the web
    service runs with DEBUG=0, where OTP_REQUIRED is on); return its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def choose_targets(ward, resolving) -> dict:
    """A dossier of the officer's ward for the searches and the dossier page: a finished one
    with a long history (supplement round, several events), the heaviest kind of page."""
    from django.db.models import Count

    from dossiers.constants import DossierStatus
    from dossiers.models import Dossier
    from notifications.selectors import messages_about

    dossier = (
        Dossier.objects.filter(
            receiving_agency=ward,
            status=DossierStatus.RETURNED,
            supplements__isnull=False,
            channel=2,
        )
        .annotate(n_events=Count("events", distinct=True))
        .order_by("-n_events", "-submitted_at")
        .first()
    ) or Dossier.objects.filter(receiving_agency=ward).order_by("-submitted_at").first()
    if dossier is None:
        raise common.BenchError(f"no dossier is received by {ward.code}")
    phone_matches = Dossier.objects.filter(applicant_phone=dossier.applicant_phone).count()
    # The leader's: a dossier of the ward awaiting their decision; the Sở's: a forwarded dossier
    # with it now, with the longest history.
    pending = (
        Dossier.objects.filter(receiving_agency=ward, pending_proposal__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    forwarded = (
        Dossier.objects.filter(resolving_agency=resolving, at_resolving_agency=True)
        .annotate(n_events=Count("events", distinct=True))
        .order_by("-n_events", "-submitted_at")
        .first()
    )
    if pending is None or forwarded is None:
        raise common.BenchError("the seed has no pending proposal or no forwarded dossier")
    return {
        "pk": dossier.pk,
        "code": dossier.code,
        "phone": dossier.applicant_phone,
        "phone_matches": phone_matches,
        "events": dossier.events.count(),
        "documents": dossier.documents.count(),
        "supplements": dossier.supplements.count(),
        "messages": messages_about(dossier).count(),
        "pending_pk": pending.pk,
        "forwarded_pk": forwarded.pk,
        "forwarded_events": forwarded.n_events,
    }


def pages_for(label: str, session_key: str, target: dict) -> list[common.Page]:
    cookie = {"Cookie": f"sessionid={session_key}"}
    query = lambda **kw: CHANGELIST + "?" + urllib.parse.urlencode(kw)  # noqa: E731
    pages = [
        common.Page(f"{label}: index (queue counts)", "/quan-tri/", headers=cookie),
        common.Page(f"{label}: dossier list", CHANGELIST, headers=cookie),
        *(
            common.Page(f"{label}: queue {slug}", query(hang_doi=slug), headers=cookie)
            for slug in QUEUES
        ),
        common.Page(f"{label}: search by code", query(q=target["code"]), headers=cookie),
        common.Page(f"{label}: search by phone", query(q=target["phone"]), headers=cookie),
        common.Page(
            f"{label}: dossier page", f"{CHANGELIST}{target['pk']}/change/", headers=cookie
        ),
    ]
    return pages


def queue_pages(sessions: dict, target: dict) -> list[common.Page]:
    """The queues added since issue 4: walk-in, leader's approval, liên thông (issue 17)."""
    cookie = {label: {"Cookie": f"sessionid={key}"} for label, key in sessions.items()}
    query = lambda **kw: CHANGELIST + "?" + urllib.parse.urlencode(kw)  # noqa: E731
    return [
        common.Page(
            "officer: walk-in (trực tiếp)", query(channel__exact=1), headers=cookie["officer"]
        ),
        common.Page(
            "leader: queue cho-phe-duyet", query(hang_doi="cho-phe-duyet"), headers=cookie["leader"]
        ),
        common.Page(
            "leader: dossier awaiting approval",
            f"{CHANGELIST}{target['pending_pk']}/change/",
            headers=cookie["leader"],
        ),
        common.Page("Sở: forwarded dossiers (list)", CHANGELIST, headers=cookie["so"]),
        common.Page("Sở: queue dang-xu-ly", query(hang_doi="dang-xu-ly"), headers=cookie["so"]),
        common.Page(
            "Sở: forwarded dossier page",
            f"{CHANGELIST}{target['forwarded_pk']}/change/",
            headers=cookie["so"],
        ),
    ]


# Indexes that make the admin's search use indexes (see docs/benchmarks.md, Back-office).
# Django's admin searches "=code" as UPPER(code) = UPPER(term) and applicant_name as
# UPPER(applicant_name) LIKE UPPER('%term%'), ORed: without an index on each, a sequential scan.
SUGGESTED_INDEXES = {
    "bench_dossier_upper_code": "ON dossiers_dossier (UPPER(code::text))",
    "bench_dossier_upper_phone": "ON dossiers_dossier (UPPER(applicant_phone::text))",
    "bench_dossier_upper_id_number": "ON dossiers_dossier (UPPER(applicant_id_number::text))",
    "bench_dossier_name_trgm": "ON dossiers_dossier USING gin "
    "(UPPER(applicant_name::text) gin_trgm_ops)",
}


def suggested_indexes(enabled: bool) -> list[str]:
    """Create (or drop) SUGGESTED_INDEXES in the benchmark database; return their names."""
    from django.db import connection

    with connection.cursor() as cursor:
        if enabled:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, definition in SUGGESTED_INDEXES.items():
            if enabled:
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")
            else:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("ANALYZE dossiers_dossier")
    return list(SUGGESTED_INDEXES) if enabled else []


# --- Queries -------------------------------------------------------------------------------


def profile_page(page: common.Page, *, slow_ms: float, explain_all: bool) -> dict:
    """common.profile_in_process, and EXPLAIN ANALYZE of the slow queries."""
    from django.db import connection

    profile, queries = common.profile_in_process(page)
    explains = []
    for query in queries:
        if not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        if query["ms"] >= slow_ms or (explain_all and query["ms"] >= 2):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            explains.append({"ms": query["ms"], "sql": query["sql"], "plan": plan})
    return {**profile, "explains": explains}


# --- Report --------------------------------------------------------------------------------


def result_rows(measurements, profiles) -> list[dict]:
    by_name = {p["page"]: p for p in profiles}
    rows = []
    for m in measurements:
        profile = by_name.get(m.page.name, {})
        used = m.cpu or {}
        rows.append(
            {
                "page": m.page.name,
                "path": m.page.path,
                "baseline": m.page.baseline,
                "bytes": m.bytes,
                "requests_per_sec": round(m.wrk.requests_per_sec, 1),
                "p50_ms": round(m.wrk.p50_ms, 1),
                "p90_ms": round(m.wrk.p90_ms, 1),
                "p99_ms": round(m.wrk.p99_ms, 1),
                "requests": m.wrk.requests,
                "worker_restarts": m.worker_restarts,
                "queries": profile.get("queries"),
                "sql_ms": profile.get("sql_ms"),
                "in_process_ms": profile.get("in_process_ms_median"),
                "app_cpu_ms": used.get("gunicorn_ms_per_request"),
                "db_cpu_ms": used.get("postgres_ms_per_request"),
                "machine_busy_share": used.get("machine_busy_share"),
                "cpu": used,
                "target_met": None if m.page.baseline else m.wrk.p99_ms < TARGET_P99_MS,
                "wrk_command": m.wrk.command,
                "wrk_output": m.wrk.output,
            }
        )
    return rows


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| page | URL | req/s | p50 ms | p99 ms | app CPU ms/request | "
        f"queries | SQL ms (alone) | p99 < {TARGET_P99_MS:.0f} ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        met = "—" if row["target_met"] is None else ("yes" if row["target_met"] else "**no**")
        path = row["path"]
        if len(path) > 60:
            path = path[:57] + "…"
        queries = "" if row["queries"] is None else row["queries"]
        sql = "" if row["sql_ms"] is None else f"{row['sql_ms']:.0f}"
        cpu = "" if row["app_cpu_ms"] is None else f"{row['app_cpu_ms']:.1f}"
        lines.append(
            f"| {row['page']} | `{path}` | {row['requests_per_sec']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {cpu} | {queries} | {sql} | {met} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    common.install_signal_handlers()
    stamp = common.timestamp()
    db = common.bench_database_url(DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)

    calibration_before = common.cpu_calibration_ms()
    with tempfile.TemporaryDirectory(prefix="bench-backoffice-") as work:
        work = Path(work)
        served_url = db.url
        if args.pg_options:
            served_url += "?" + urllib.parse.urlencode({"options": args.pg_options})
        env = common.portal_env(
            database_url=served_url,
            redis_url=redis_url,
            static_root=work / "static",
            MEDIA_ROOT=str(work / "media"),
            CACHE_KEY_PREFIX="bench-backoffice",
        )
        common.setup_django(env)
        prepared = prepare_database(db, env, keep=args.keep_db, total=args.dossiers)
        users = {label: prepared.pop(label) for label in ("officer", "superuser", "leader", "so")}
        ward, resolving = prepared.pop("ward"), prepared.pop("resolving")
        prepared["suggested_indexes"] = suggested_indexes(args.with_suggested_indexes)
        summary = data_summary({**users})
        common.log(
            f"{summary['dossiers']} dossiers; officer sees {summary['visible_officer']}: "
            f"{summary['queues_officer']}"
        )
        target = choose_targets(ward, resolving)
        sessions = {label: sign_in(user) for label, user in users.items()}
        pages = [
            common.Page("bare view", "/healthz", baseline=True, note="before the pages"),
            *pages_for("officer", sessions["officer"], target),
            *pages_for("superuser", sessions["superuser"], target),
            *queue_pages(sessions, target),
            common.Page("bare view (again)", "/healthz", baseline=True, note="after the pages"),
        ]
        pages = common.only(pages, args.only)
        measurements, server = common.serve_and_measure(env, work, pages, args, db=db)

        # With the server stopped: each page's queries, EXPLAIN ANALYZE of the slow ones.
        over = {m.page.name for m in measurements if m.wrk.p99_ms >= TARGET_P99_MS}
        profiles = []
        for page in pages:
            if page.baseline:
                continue
            profile = profile_page(page, slow_ms=args.slow_query_ms, explain_all=page.name in over)
            profiles.append(profile)
            common.log(
                f"{page.name:<34} {profile['in_process_ms_median']:7.1f} ms in process, "
                f"{profile['queries']} queries, {profile['sql_ms']} ms SQL"
            )
        from django.db import connections

        connections.close_all()

    rows = result_rows(measurements, profiles)
    table = markdown_table(rows)
    payload = common.result_payload(
        "backoffice",
        issue=17,
        stamp=stamp,
        args=args,
        machine=common.machine_info(db=db, redis_url=redis_url),
        # ms of CPU for a fixed Python loop before and after the run (see common.py).
        cpu_calibration_ms=[calibration_before, common.cpu_calibration_ms()],
        server=server,
        database={"name": db.name, **prepared},
        data=summary,
        target=target,
        users={label: user.username for label, user in users.items()},
        target_p99_ms=TARGET_P99_MS,
        results=rows,
        profiles=profiles,
        table_markdown=table,
    )
    common.report(
        payload,
        summary=[
            f"{server['workers']} gunicorn workers; wrk {args.threads} threads, {args.connections} "
            f"connections, {args.duration:g} s per page"
        ],
        missed=[r["page"] for r in rows if r["target_met"] is False],
        missed_label=f"p99 over {TARGET_P99_MS:.0f} ms",
    )
    return 0


if __name__ == "__main__":
    common.run(main)
