"""Benchmark of the citizen's whole journey (issue 17): every page of the wizard over HTTP.

    .venv/bin/python bench/journey.py [--citizens 8] [--duration 30]

Serves the portal with gunicorn as docker-compose's web service does and runs `--citizens`
processes, each a citizen with a browser's cookies who goes, again and again until `--duration`
is over, through what a person does: the procedure's page, the start page and its "Nộp hồ sơ"
(a new draft), the agency, the declaration, the attachments (one PDF uploaded per required
document, multipart), the contact, the review with its captcha (read from the database, as
tests/dossiers/helpers.captcha_answer reads it, the way a person reads the image) and "Gửi
thông tin", then the success page with the code. Each request is timed on its own (no redirect
is followed automatically); a journey counts when it ends on the success page of a new dossier.

Reports journeys per second, and p50/p95 per step; checks in the database that exactly one
dossier was created per completed journey. The final POST alone is bench/intake.py's target.

The database is its own (default postgres://postgres@127.0.0.1:5432/portal_bench_journey,
BENCH_DATABASE_URL overrides), and so is the Redis database (default redis://127.0.0.1:6379/13,
BENCH_REDIS_URL overrides; no Celery worker runs, the queued confirmations are deleted at the end).
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, intake  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_journey"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CAPTCHA_KEY = re.compile(r'name="captcha_0" value="([0-9a-f]+)"')
SUCCESS = re.compile(r"^/ho-so/([^/]+)/da-nop/$")
STEP = re.compile(r"/nop-ho-so/[0-9a-f-]+/([a-z-]+)/$")


def _pdf() -> bytes:
    """A one-page PDF that the upload check (pikepdf) reads, as a scanner makes it."""
    import io

    import pikepdf

    pdf, buffer = pikepdf.new(), io.BytesIO()
    pdf.add_blank_page()
    pdf.save(buffer)
    return buffer.getvalue()


PDF = _pdf()
# The order the report lists the steps in.
STEPS = [
    "procedure page",
    "start page",
    "start (POST)",
    "co-quan",
    "co-quan (POST)",
    "to-khai",
    "to-khai (POST)",
    "giay-to",
    "giay-to (POST, upload)",
    "lien-he",
    "lien-he (POST)",
    "xem-lai",
    "xem-lai (POST, Gửi thông tin)",
    "success page",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=8, help="concurrent citizens (processes)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of journeys")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of journeys first")
    parser.add_argument("--plans", type=int, default=3000, help="journeys prepared (distinct)")
    parser.add_argument("--agency", default="", help="every journey to this agency code")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database")
    parser.add_argument("--seed", type=int, default=17)
    return parser.parse_args(argv)


# --- What each citizen enters ----------------------------------------------------------------


def journey_plans(count: int, *, rng: random.Random, agency: str) -> list[dict]:
    """`count` journeys: procedure, agency, declaration, documents and contact, as form fields."""
    from procedures.selectors import procedure_parts

    pairs = intake.intake_pairs(agency)
    plans = []
    for index in range(count):
        procedure, agency_row = rng.choice(pairs)
        person = intake._person(rng, index)
        declaration = intake._declaration(rng, procedure.form_fields.all(), person)
        plans.append(
            {
                "procedure": procedure.code,
                "agency": agency_row.code,
                "declaration": {
                    name: ("on" if value is True else str(value))
                    for name, value in declaration.items()
                },
                "documents": [document.pk for document in procedure_parts(procedure).uploads],
                "contact": {
                    "ho_ten": person["name"],
                    "email": person["email"],
                    "dien_thoai": person["phone"],
                    "dia_chi": person["address"],
                    "nhan_ket_qua": (procedure.delivery_options or ["in_person"])[0],
                },
            }
        )
    return plans


# --- One citizen -------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF and timings for one citizen; one request at a time, as a person."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        self.timings: list[tuple[str, float]] = []

    def request(self, step: str, path: str, *, data=None, files=None, referer=None):
        body, headers = None, {"User-Agent": "bench-journey", "Accept-Language": "vi"}
        if referer:
            headers["Referer"] = self.base_url + referer
        if files is not None:
            body, content_type = multipart(data or {}, files)
            headers["Content-Type"] = content_type
        elif data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, content, location = response.status, response.read(), ""
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read()
            location = error.headers.get("Location", "")
        self.timings.append((step, (time.perf_counter() - started) * 1000))
        if location.startswith(self.base_url):
            location = location[len(self.base_url) :]
        return status, content.decode("utf-8", errors="replace"), location


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser sends a form with files."""
    boundary = f"----bench{secrets.token_hex(12)}"
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, filename, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def csrf(page: str) -> str:
    match = CSRF_FIELD.search(page)
    if not match:
        raise common.BenchError("no CSRF token on the page")
    return html.unescape(match.group(1))


def walk(browser: Browser, plan: dict, captcha_answer) -> str:
    """One whole journey; return the dossier's code, or raise BenchError with what went wrong."""
    procedure = f"/thu-tuc/{plan['procedure']}/"
    expect(browser.request("procedure page", procedure), 200)
    start = f"{procedure}nop-ho-so/"
    _status, page, _location = expect(browser.request("start page", start), 200)
    status, page, location = expect(
        browser.request(
            "start (POST)", start, data={"csrfmiddlewaretoken": csrf(page)}, referer=start
        ),
        302,
    )
    while True:
        if match := SUCCESS.match(location):
            expect(browser.request("success page", location), 200)
            return match.group(1)
        step = STEP.search(location)
        if step is None:
            raise common.BenchError(f"unexpected redirect to {location!r}")
        step = step.group(1)
        _status, page, _ = expect(browser.request(step, location), 200)
        fields = {"csrfmiddlewaretoken": csrf(page), "tiep_tuc": "1"}
        files = None
        label = f"{step} (POST)"
        if step == "co-quan":
            fields["co_quan"] = plan["agency"]
        elif step == "to-khai":
            fields.update(plan["declaration"])
        elif step == "giay-to":
            files = [(f"tep_{pk}", "giay-to.pdf", PDF) for pk in plan["documents"]]
            label = "giay-to (POST, upload)"
        elif step == "lien-he":
            fields.update(plan["contact"])
        elif step == "xem-lai":
            hashkey = CAPTCHA_KEY.search(page)
            if hashkey is None:
                raise common.BenchError(f"no captcha on the review page:\n{page[:2000]}")
            fields = {
                "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                "captcha_0": hashkey.group(1),
                "captcha_1": captcha_answer(hashkey.group(1)),
            }
            label = "xem-lai (POST, Gửi thông tin)"
        status, page, next_location = browser.request(
            label, location, data=fields, files=files, referer=location
        )
        if status != 302:
            raise common.BenchError(f"{label} answered {status}:\n{_errors(page)}")
        location = next_location


def expect(answer, status: int):
    if answer[0] != status:
        raise common.BenchError(f"expected {status}, got {answer[0]}:\n{_errors(answer[1])}")
    return answer


def _errors(page: str) -> str:
    """The page's error messages and the names of the fields marked invalid."""
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)<', page)
    fields = re.findall(r'<(?:input|select|textarea)[^>]*is-invalid[^>]*name="([^"]+)"', page)
    fields += re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*is-invalid', page)
    messages = [html.unescape(text.strip()) for text in found if text.strip()]
    return "; ".join(messages + [f"fields: {sorted(set(fields))}"]) if messages else page[:1500]


def citizen(index: int, base_url: str, database_url: str, plans, deadline: float, queue) -> None:
    """One citizen's process: journeys until `deadline`; puts its timings and outcomes."""
    db = common.DatabaseUrl.parse(database_url)
    connection = db.connect()
    connection.autocommit = True

    def captcha_answer(hashkey: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT response FROM captcha_captchastore WHERE hashkey = %s", [hashkey]
            )
            return cursor.fetchone()[0]

    journeys, codes, errors, timings = [], [], [], []
    position = index
    while time.time() < deadline:
        plan = plans[position % len(plans)]
        position += multiprocessing.cpu_count() + 64  # spread the citizens over the plans
        browser = Browser(base_url)
        started = time.perf_counter()
        try:
            codes.append(walk(browser, plan, captcha_answer))
            journeys.append((time.perf_counter() - started) * 1000)
        except (common.BenchError, OSError) as error:
            errors.append(str(error)[:500])
        timings.extend(browser.timings)
    connection.close()
    queue.put({"journeys_ms": journeys, "codes": codes, "errors": errors, "timings": timings})


def run_citizens(server, db, plans, *, citizens: int, duration: float) -> dict:
    queue = multiprocessing.get_context("fork").Queue()
    deadline = time.time() + duration
    processes = [
        multiprocessing.get_context("fork").Process(
            target=citizen, args=(i, server.base_url, db.url, plans, deadline, queue)
        )
        for i in range(citizens)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    results = [queue.get(timeout=duration + 120) for _ in processes]
    elapsed = time.monotonic() - started
    for process in processes:
        process.join(timeout=30)
    journeys = [ms for r in results for ms in r["journeys_ms"]]
    codes = [code for r in results for code in r["codes"]]
    by_step: dict[str, list[float]] = {}
    for r in results:
        for step, ms in r["timings"]:
            by_step.setdefault(step, []).append(ms)
    return {
        "citizens": citizens,
        "seconds": round(elapsed, 2),
        "journeys": len(journeys),
        "journeys_per_sec": round(len(journeys) / elapsed, 2),
        "journey_p50_ms": _percentile(journeys, 50),
        "journey_p95_ms": _percentile(journeys, 95),
        "errors": [e for r in results for e in r["errors"]][:20],
        "error_count": sum(len(r["errors"]) for r in results),
        "codes": codes,
        "steps": {
            step: {
                "requests": len(by_step[step]),
                "p50_ms": _percentile(by_step[step], 50),
                "p95_ms": _percentile(by_step[step], 95),
            }
            for step in STEPS
            if step in by_step
        },
    }


def _percentile(values: list[float], percent: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[percent - 1], 1)


def dossiers_created(codes: list[str]) -> dict:
    from dossiers.models import Dossier

    found = Dossier.objects.filter(code__in=codes).count()
    return {"codes": len(codes), "distinct": len(set(codes)), "in_database": found}


def markdown_table(run: dict) -> str:
    lines = [
        f"{run['journeys']} journeys in {run['seconds']} s by {run['citizens']} citizens: "
        f"**{run['journeys_per_sec']} journeys/s**, journey p50 {run['journey_p50_ms']} ms, "
        f"p95 {run['journey_p95_ms']} ms; {run['error_count']} failed journeys.",
        "",
        "| step | requests | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for step, figures in run["steps"].items():
        lines.append(
            f"| {step} | {figures['requests']} | {figures['p50_ms']} | {figures['p95_ms']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    common.install_signal_handlers()
    stamp = common.timestamp()
    db = common.bench_database_url(DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    rng = random.Random(args.seed)
    calibration_before = common.cpu_calibration_ms()
    with tempfile.TemporaryDirectory(prefix="bench-journey-") as work:
        work = Path(work)
        env = common.portal_env(
            database_url=db.url,
            redis_url=redis_url,
            static_root=work / "static",
            MEDIA_ROOT=str(work / "media"),
            CACHE_KEY_PREFIX="bench-journey",
        )
        common.setup_django(env)
        seeding = intake.prepare_database(db, env, keep=args.keep_db)
        plans = journey_plans(args.plans, rng=rng, agency=args.agency)
        from django.db import connections

        connections.close_all()
        common.collectstatic(env)
        intake.redis_queue_clear(redis_url)
        server = common.GunicornServer(env, log_path=work / "gunicorn.log")
        try:
            with server:
                record = server.record(loadavg_before=os.getloadavg())
                warm = run_citizens(server, db, plans, citizens=args.citizens, duration=args.warmup)
                common.log(f"warm-up: {warm['journeys']} journeys, {warm['error_count']} failed")
                if warm["errors"]:
                    common.log(f"first failure: {warm['errors'][0]}\n{server.log_tail()}")
                restarts = server.worker_restarts()
                run = run_citizens(
                    server, db, plans, citizens=args.citizens, duration=args.duration
                )
                run["worker_restarts"] = server.worker_restarts() - restarts
                record["loadavg_after"] = os.getloadavg()
        finally:
            intake.redis_queue_clear(redis_url)
        run["database"] = dossiers_created(run.pop("codes"))
        warm.pop("codes")
        connections.close_all()
    checks_ok = (
        run["error_count"] == 0
        and run["database"]["in_database"] == run["database"]["distinct"] == run["journeys"]
    )
    payload = common.result_payload(
        "journey",
        issue=17,
        stamp=stamp,
        args=args,
        machine=common.machine_info(db=db, redis_url=redis_url),
        cpu_calibration_ms=[calibration_before, common.cpu_calibration_ms()],
        server=record,
        database={"name": db.name, **seeding},
        warmup=warm,
        run=run,
        checks_ok=checks_ok,
    )
    payload["table_markdown"] = markdown_table(run)
    common.report(
        payload,
        summary=[
            f"{record['workers']} gunicorn workers; {args.citizens} citizens; "
            f"checks: {'ok' if checks_ok else 'FAILED'}"
        ],
    )
    return 0 if checks_ok else 1


if __name__ == "__main__":
    common.run(main)
