"""Shared parts of the benchmarks in bench/.

A benchmark here: prepares a PostgreSQL database of its own, serves the portal with gunicorn
exactly as docker-compose's `web` service does (`gunicorn -c portal/gunicorn.conf.py portal.wsgi`
after `collectstatic`), drives it with `wrk --latency` on loopback, compares each page with the
bare view `/healthz` served by the same server, and writes JSON to bench/results/ plus a markdown
table for docs/benchmarks.md.

Only the standard library, the project's own dependencies (Django, psycopg2, redis) and Debian's
`wrk` are used.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
LOOPBACK = "127.0.0.1"
LOCAL_HOSTS = {"", "127.0.0.1", "localhost", "::1"}
WRK = "/usr/bin/wrk"
# Every page must answer at least this fraction of the bare view's requests per second.
DEFAULT_TARGET_RATIO = 0.5


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    """A benchmark could not run (service down, page not 200, server did not start…)."""


def install_signal_handlers() -> None:
    """Turn SIGTERM and SIGHUP into KeyboardInterrupt so that `finally` blocks stop the server."""

    def _interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)


# --- Database --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DatabaseUrl:
    url: str
    host: str
    port: int
    user: str
    password: str
    name: str

    @classmethod
    def parse(cls, url: str) -> DatabaseUrl:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise BenchError(f"{url!r} is not a PostgreSQL URL (postgres://user@host:port/name)")
        name = urllib.parse.unquote(parts.path.lstrip("/"))
        if not name:
            raise BenchError(f"{url!r} names no database")
        return cls(
            url=url,
            host=parts.hostname or "",
            port=parts.port or 5432,
            user=urllib.parse.unquote(parts.username or "postgres"),
            password=urllib.parse.unquote(parts.password or ""),
            name=name,
        )

    def connect(self, dbname: str | None = None):
        import psycopg2

        kwargs = {"dbname": dbname or self.name, "user": self.user, "port": self.port}
        if self.host:
            kwargs["host"] = self.host
        if self.password:
            kwargs["password"] = self.password
        return psycopg2.connect(connect_timeout=10, **kwargs)


def bench_database_url(default: str = DEFAULT_DATABASE_URL) -> DatabaseUrl:
    """Return the benchmark database from BENCH_DATABASE_URL (else `default`), refusing anything
    risky to drop."""
    db = DatabaseUrl.parse(os.environ.get("BENCH_DATABASE_URL", default))
    if db.host not in LOCAL_HOSTS:
        raise BenchError(f"the benchmark database must be on loopback, not {db.host!r}")
    if "bench" not in db.name:
        # The database is dropped and created again: never point this at a real one by mistake.
        raise BenchError(f"the benchmark database's name must contain 'bench', not {db.name!r}")
    return db


def database_exists(db: DatabaseUrl) -> bool:
    conn = db.connect("postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name])
            return cursor.fetchone() is not None
    finally:
        conn.close()


def recreate_database(db: DatabaseUrl, *, keep: bool = False) -> bool:
    """Drop and create `db` (or with `keep`, create it only if missing). Return True if created."""
    from psycopg2 import sql

    conn = db.connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name])
            exists = cursor.fetchone() is not None
            if exists and keep:
                return False
            if exists:
                cursor.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(db.name))
                )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))
            return True
    finally:
        conn.close()


def postgres_version(db: DatabaseUrl) -> str:
    conn = db.connect("postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        conn.close()


def redis_version(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        return client.info("server")["redis_version"]
    finally:
        client.close()


# --- The portal's environment and commands -------------------------------------------------


def portal_env(
    *, database_url: str, static_root: Path, redis_url: str = DEFAULT_REDIS_URL, **extra: str
) -> dict[str, str]:
    """Return the environment of docker-compose's web service, pointed at the bench services.

    GUNICORN_ACCESSLOG is empty: one log line per request would dominate the cost of small pages.
    WEB_CONCURRENCY is removed unless given in `extra`, so gunicorn.conf.py's default applies.
    """
    env = {k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench",
            "ALLOWED_HOSTS": LOOPBACK,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "GUNICORN_ACCESSLOG": "",
            "STATIC_ROOT": str(static_root),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def venv_bin(name: str) -> str:
    """Return the path of a console script of the running interpreter's environment."""
    candidate = Path(sys.prefix) / "bin" / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"{name} is not installed in {sys.prefix}")
    return found


def manage(*args: str, env: dict[str, str], timeout: float = 600) -> str:
    """Run `python manage.py ARGS` like the container does; return its output, raise on error."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    log(f"manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s")
    return result.stdout


def collectstatic(env: dict[str, str]) -> None:
    """Run `collectstatic --noinput` as the container does (with the project's storage)."""
    manage("collectstatic", "--noinput", env=env)


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process with `env` (for seeding through the ORM)."""
    os.environ.update(env)
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# --- Gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def http_request(
    url: str,
    *,
    timeout: float = 10,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """GET (or POST `data`) `url` without following redirects; return (status, headers, body)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def http_get(
    url: str, *, timeout: float = 10, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """GET `url` without following redirects; return (status, body)."""
    status, _, body = http_request(url, timeout=timeout, headers=headers)
    return status, body


class GunicornServer:
    """`gunicorn -c portal/gunicorn.conf.py portal.wsgi` on a free loopback port.

    Use as a context manager: the server is always stopped on exit (SIGTERM, then SIGKILL of its
    process group after `stop_timeout` seconds), and if an exception leaves the block, the last
    lines of its log are printed.
    """

    def __init__(self, env: dict[str, str], *, log_path: Path, port: int | None = None):
        self.port = port or free_port()
        self.bind = f"{LOOPBACK}:{self.port}"
        self.env = {**env, "GUNICORN_BIND": self.bind}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.command = [venv_bin("gunicorn"), "-c", "portal/gunicorn.conf.py", "portal.wsgi"]

    @property
    def base_url(self) -> str:
        return f"http://{self.bind}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self, *, ready_path: str = "/healthz", timeout: float = 60) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                self.command,
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so that stop() reaches workers
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise BenchError(f"gunicorn exited with {code}:\n{self.log_tail()}")
            try:
                status, _ = http_get(self.url(ready_path), timeout=2)
                if status == 200 and len(self.worker_pids()) >= self.expected_workers():
                    log(f"gunicorn ready on {self.bind} with {len(self.worker_pids())} workers")
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def record(self, **extra) -> dict:
        """What a result file says of the running server: its command, workers and address."""
        return {
            "command": " ".join(["gunicorn", *self.command[1:]]),
            "workers": len(self.worker_pids()),
            "bind": self.bind,
            **extra,
        }

    def expected_workers(self) -> int:
        """The worker count gunicorn.conf.py computes for this environment."""
        concurrency = self.env.get("WEB_CONCURRENCY")
        return int(concurrency) if concurrency else os.cpu_count() * 2 + 1

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def stop(self, *, stop_timeout: float = 15) -> None:
        if self.process is None:
            return
        pgid = self.process.pid
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                log("gunicorn did not stop in time: SIGKILL")
        # Whatever is left of its own process group (a worker that outlived its master).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.process = None

    def worker_restarts(self) -> int:
        """How many workers reached max_requests and were replaced so far (from the log)."""
        try:
            return self.log_path.read_text(errors="replace").count("Autorestarting worker")
        except OSError:
            return 0

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> GunicornServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.stop()
        if exc_type is not None:
            tail = self.log_tail()
            if tail:
                log(f"gunicorn log (last lines):\n{tail}")


# --- wrk -----------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unknown wrk duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


@dataclasses.dataclass
class WrkResult:
    requests_per_sec: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    duration_s: float
    non_2xx_3xx: int
    socket_errors: dict[str, int]
    command: list[str]
    output: str

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())


def parse_wrk(output: str, command: list[str] | None = None) -> WrkResult:
    """Parse the output of `wrk --latency`."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", output, re.M)
    percentiles = {
        int(p): _duration_ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M)
    }
    if not rps or not total or set(percentiles) != {50, 75, 90, 99}:
        raise BenchError(f"cannot parse wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests_per_sec=float(rps.group(1)),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        requests=int(total.group(1)),
        duration_s=_duration_ms(total.group(2) + total.group(3)) / 1000,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(
            zip(
                ("connect", "read", "write", "timeout"),
                map(int, socket_errors.groups()) if socket_errors else (0, 0, 0, 0),
                strict=True,
            )
        ),
        command=command or [],
        output=output,
    )


def run_wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    timeout: str = "10s",
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    script_args: list[str] | tuple[str, ...] = (),
) -> WrkResult:
    """Run `wrk --latency` against a loopback `url`; bounded by duration + 60 s.

    `headers` are sent with every request (a session cookie, say); `script` is a wrk Lua script,
    given `script_args` after `--`.
    """
    host = urllib.parse.urlsplit(url).hostname
    if host != LOOPBACK:
        raise BenchError(f"load is generated on loopback only, not against {host!r}")
    if not Path(WRK).exists():
        raise BenchError(f"{WRK} is missing: apt-get install wrk")
    threads = max(1, min(threads, connections))
    command = [
        WRK,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        f"--timeout={timeout}",
        "--latency",
        *(f"--header={name}: {value}" for name, value in (headers or {}).items()),
        *([f"--script={script}"] if script else []),
        url,
        *(["--", *map(str, script_args)] if script_args else []),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return parse_wrk(result.stdout, command)


# --- Pages, results and reports ------------------------------------------------------------


@dataclasses.dataclass
class Page:
    """A page to measure. `baseline` marks the bare view the others are compared with."""

    name: str
    path: str
    baseline: bool = False
    note: str = ""
    headers: dict[str, str] = dataclasses.field(default_factory=dict)  # a session cookie, say
    # Requests to cycle through instead of `path` (bench/replay.lua's file, in its cycle mode):
    # many dossiers'
    # pages, say, so that no cache or buffer sees the same one each time.
    requests_file: Path | None = None
    status: int = 200  # the answer expected: 302 for a form that redirects, 404 for "not found"
    # Send each request of requests_file once before the warm-up: to measure repeat visits to
    # more pages than the warm-up would reach.
    prime: bool = False


@dataclasses.dataclass
class Measurement:
    page: Page
    status: int
    bytes: int
    wrk: WrkResult
    worker_restarts: int = 0  # workers recycled by max_requests during the measured run
    cpu: dict | None = None  # CpuMeter.report() when measure_pages was given the database


REPLAY_SCRIPT = Path(__file__).resolve().parent / "replay.lua"


def read_requests(path: Path) -> list[tuple[str, str, str, str]]:
    """The lines of a bench/replay.lua requests file: method, path, cookie, body."""
    return [tuple(line.split("\t", 3)) for line in path.read_text().splitlines() if line]


def first_request(page: Page) -> tuple[str, str, str, str]:
    """The page's request: the first line of its requests file, else a GET of its path."""
    if page.requests_file:
        return read_requests(page.requests_file)[0]
    return ("GET", page.path, "", "")


def send_request(
    server: GunicornServer, page: Page, line: tuple[str, str, str, str]
) -> tuple[int, bytes]:
    """Send one line of a requests file (method, path, cookie, body) with the page's headers."""
    method, path, cookie, body = line
    headers = {**page.headers, **({"Cookie": cookie} if cookie else {})}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    status, _, content = http_request(
        server.url(path), headers=headers, data=body.encode() if method == "POST" else None
    )
    return status, content


def check_page(server: GunicornServer, page: Page) -> tuple[int, int]:
    """Request the page once (the first line of its requests file, if it has one); it must answer
    the page's status."""
    line = first_request(page)
    status, content = send_request(server, page, line)
    if status != page.status:
        raise BenchError(
            f"{page.name} {line[0]} {line[1]} answered {status}:\n"
            f"{content[:500].decode(errors='replace')}\n{server.log_tail()}"
        )
    return status, len(content)


def prime(server: GunicornServer, page: Page, *, connections: int) -> None:
    """Send each request of the page's requests file once, `connections` at a time."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    lines = read_requests(page.requests_file)
    with ThreadPoolExecutor(max_workers=connections) as pool:
        answers = [
            status for status, _ in pool.map(lambda line: send_request(server, page, line), lines)
        ]
    wrong = len([status for status in answers if status != page.status])
    if wrong:
        raise BenchError(
            f"{page.name}: {wrong} of {len(lines)} requests did not answer {page.status}"
        )
    log(f"{page.name}: primed with its {len(lines)} requests in {time.monotonic() - started:.1f} s")


def profile_in_process(page: Page, *, slowest: int = 5) -> tuple[dict, list[dict]]:
    """Send the page's request (the first line of its requests file, if it has one) through
    Django's test client in this process: the median time of 5, then its SQL once. Return the
    profile and the queries ({"ms", "sql"}). Call after setup_django."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    method, path, cookie, body = first_request(page)
    client = Client()
    for part in filter(None, f"{page.headers.get('Cookie', '')}; {cookie}".split("; ")):
        name, value = part.split("=", 1)
        client.cookies[name] = value

    def request():
        if method == "POST":
            return client.post(
                path, body, content_type="application/x-www-form-urlencoded", HTTP_HOST=LOOPBACK
            )
        return client.get(path, HTTP_HOST=LOOPBACK)

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != page.status:
            raise BenchError(f"{path} answered {response.status_code} in process")
    with CaptureQueriesContext(connection) as captured:
        request()
    queries = [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in captured]
    profile = {
        "page": page.name,
        "path": path,
        "in_process_ms_median": round(statistics.median(timings), 1),
        "queries": len(queries),
        "sql_ms": round(sum(q["ms"] for q in queries), 1),
        "slowest": sorted(queries, key=lambda q: -q["ms"])[:slowest],
    }
    return profile, queries


def only(pages: list[Page], text: str) -> list[Page]:
    """The pages whose name contains `text` (all if it is empty), and the bare view always."""
    return [page for page in pages if page.baseline or text in page.name]


def serve_and_measure(
    env: dict[str, str], work: Path, pages: list[Page], args, *, db: DatabaseUrl | None = None
) -> tuple[list[Measurement], dict]:
    """Collect the static files, serve the portal with gunicorn and measure `pages` with the run's
    wrk options (`args.duration`, `connections`, `threads`, `warmup`). Return the measurements
    and the server's record, with the load average before and after."""
    from django.db import connections

    connections.close_all()  # the benchmark's own connections are not counted with the workers'
    collectstatic(env)
    server = GunicornServer(env, log_path=work / "gunicorn.log")
    with server:
        record = server.record(loadavg_before=os.getloadavg())
        measurements = measure_pages(
            server,
            pages,
            duration=args.duration,
            connections=args.connections,
            threads=args.threads,
            warmup=args.warmup,
            db=db,
        )
        record["loadavg_after"] = os.getloadavg()
    return measurements, record


def measure_pages(
    server: GunicornServer,
    pages: list[Page],
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    warmup: float = 2,
    db: DatabaseUrl | None = None,
) -> list[Measurement]:
    """Check each page answers, warm it up with a short wrk run, then measure it; with `db`, also
    the CPU each request costs the workers and PostgreSQL (CpuMeter)."""
    measurements = []
    for page in pages:
        status, size = check_page(server, page)
        url = server.url(page.path)
        options = {"connections": connections, "threads": threads, "headers": page.headers}
        if page.requests_file:
            threads_used = max(1, min(threads, connections))
            options.update(
                script=REPLAY_SCRIPT,
                script_args=[str(page.requests_file), str(threads_used), "cycle"],
            )
        if page.prime:
            prime(server, page, connections=connections)
        if warmup > 0:
            run_wrk(url, duration=warmup, **options)
        restarts = server.worker_restarts()
        meter = CpuMeter(server, db) if db else None
        if meter:
            meter.start()
        result = run_wrk(url, duration=duration, **options)
        if meter:
            meter.stop()
        restarts = server.worker_restarts() - restarts
        # wrk counts any 4xx as an error; replay.lua tells which statuses were answered.
        answered = {
            int(c): int(n) for c, n in re.findall(r"^status (\d+) (\d+)$", result.output, re.M)
        }
        unexpected = {c: n for c, n in answered.items() if c != page.status}
        errors = sum(result.socket_errors.values()) + (
            sum(unexpected.values()) if page.requests_file else result.non_2xx_3xx
        )
        if errors:
            raise BenchError(
                f"{page.name}: answers {answered or result.non_2xx_3xx} (expected "
                f"{page.status}), socket errors {result.socket_errors}:\n{server.log_tail()}"
            )
        cpu = meter.report(result.requests) if meter else None
        log(
            f"{page.name:<34} {result.requests_per_sec:8.1f} req/s  p50 {result.p50_ms:7.2f} ms  "
            f"p99 {result.p99_ms:7.2f} ms  ({size} bytes, {restarts} worker restarts)"
            + (
                f"; app CPU/request {cpu['gunicorn_ms_per_request']:.1f} ms, machine busy "
                f"{cpu['machine_busy_share']:.0%}"
                if cpu
                else ""
            )
        )
        measurements.append(
            Measurement(
                page=page,
                status=status,
                bytes=size,
                wrk=result,
                worker_restarts=restarts,
                cpu=cpu,
            )
        )
    return measurements


def baseline_rps(measurements: list[Measurement]) -> float:
    """The bare view's rate: the mean of its runs (one before the pages, one after, say)."""
    rates = [m.wrk.requests_per_sec for m in measurements if m.page.baseline]
    if not rates:
        raise BenchError("no baseline page was measured")
    return sum(rates) / len(rates)


def rows(measurements: list[Measurement], *, target_ratio: float) -> list[dict]:
    """One dict per measurement with its ratio to the bare view and whether it meets the target."""
    base = baseline_rps(measurements)
    out = []
    for m in measurements:
        ratio = m.wrk.requests_per_sec / base
        out.append(
            {
                "page": m.page.name,
                "path": m.page.path,
                "note": m.page.note,
                "baseline": m.page.baseline,
                "status": m.status,
                "bytes": m.bytes,
                "requests_per_sec": round(m.wrk.requests_per_sec, 1),
                "p50_ms": round(m.wrk.p50_ms, 2),
                "p75_ms": round(m.wrk.p75_ms, 2),
                "p90_ms": round(m.wrk.p90_ms, 2),
                "p99_ms": round(m.wrk.p99_ms, 2),
                "requests": m.wrk.requests,
                "duration_s": m.wrk.duration_s,
                "worker_restarts": m.worker_restarts,
                "ratio_to_bare": round(ratio, 3),
                "target_met": None if m.page.baseline else ratio >= target_ratio,
                "wrk_command": m.wrk.command,
                "wrk_output": m.wrk.output,
            }
        )
    return out


def markdown_table(result_rows: list[dict], *, target_ratio: float) -> str:
    lines = [
        "| page | URL | req/s | p50 ms | p99 ms | ratio to bare view | "
        f"target (≥ {target_ratio:.0%}) met |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result_rows:
        met = "—" if row["target_met"] is None else ("yes" if row["target_met"] else "**no**")
        lines.append(
            f"| {row['page']} | `{row['path']}` | {row['requests_per_sec']:.0f} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['ratio_to_bare']:.2f} | {met} |"
        )
    return "\n".join(lines)


def _run_text(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (result.stdout or result.stderr).strip()


def machine_info(*, db: DatabaseUrl | None = None, redis_url: str | None = None) -> dict:
    cpu_model = ""
    with contextlib.suppress(OSError):
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu_model = match.group(1).strip() if match else ""
    info = {
        "nproc": _run_text(["nproc"]),
        "cpu_model": cpu_model,
        "free_h": _run_text(["free", "-h"]),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": _run_text([WRK, "-v"]).splitlines()[0] if Path(WRK).exists() else "",
    }
    for package in ("django", "gunicorn", "psycopg2-binary"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            info[package] = version(package)
    if db is not None:
        with contextlib.suppress(Exception):
            info["postgresql"] = postgres_version(db)
    if redis_url:
        with contextlib.suppress(Exception):
            info["redis"] = redis_version(redis_url)
    return info


def process_cpu_seconds(pids) -> dict[int, float]:
    """CPU time (user + system) used so far by each live process of `pids`, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


def all_processes_cpu() -> dict[int, tuple[str, float]]:
    """{pid: (command, CPU seconds so far)} of every process on the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
            fields = tail.split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").strip()
        except OSError:
            continue
        command = cmdline.decode(errors="replace")[:120] or head.split("(", 1)[1]
        used[int(stat.parent.name)] = (command, (int(fields[11]) + int(fields[12])) / ticks)
    return used


def process_tree_cpu_seconds(pid: int, children) -> float:
    """CPU time used so far by process `pid`, its live `children` and every child it has reaped
    (a recycled gunicorn worker's time moves to its master's cutime/cstime when it exits)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = sum(int(v) for v in fields[11:15]) / ticks  # utime, stime, cutime, cstime
    return own + sum(process_cpu_seconds(children).values())


def _cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two samples by the processes alive at both (a process that exited in
    between is not counted: its time is gone from /proc)."""
    return sum(after[pid] - before[pid] for pid in after if pid in before)


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, summed over its cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / ticks, sum(values[:8]) / ticks


def postgres_backends(db: DatabaseUrl) -> list[int]:
    """Process ids of the PostgreSQL backends connected to the benchmark database: the
    workers' persistent connections (close this process's own first: they would count too)."""
    conn = db.connect("postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [db.name],
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        conn.close()


class CpuMeter:
    """CPU seconds used by the gunicorn workers, their PostgreSQL backends and the whole machine
    between start() and stop(): what a request costs, whatever else runs on the box.

    The gunicorn figure is exact: the master and its workers, including the workers recycled by
    max_requests during the run. For PostgreSQL only the backends alive at start and stop are
    counted: a backend opened or closed during the run (CONN_MAX_AGE) and parallel workers are
    left out, so that figure can be under-counted, never over-counted."""

    def __init__(self, server: GunicornServer, db: DatabaseUrl):
        self.server, self.db = server, db

    def start(self) -> None:
        self.workers = self.server.worker_pids()
        self.backends = postgres_backends(self.db)
        self.everyone_before = all_processes_cpu()
        self.before = self._sample()

    def _sample(self):
        busy, total = machine_cpu_seconds()
        master = self.server.process.pid if self.server.process else 0
        return (
            process_tree_cpu_seconds(master, self.server.worker_pids()),
            process_cpu_seconds(self.backends),
            busy,
            total,
            time.monotonic(),
        )

    def stop(self) -> None:
        self.after = self._sample()
        self.everyone_after = all_processes_cpu()

    def _others(self, top: int = 6) -> list[tuple[str, int, float]]:
        gunicorn = {self.server.process.pid} if self.server.process else set()
        gunicorn |= {
            pid for pid, (command, _) in self.everyone_after.items() if "gunicorn" in command
        }
        mine = {*self.workers, *self.backends, *gunicorn}
        used = [
            # A process started during the run: all of its time was spent during the run.
            (command, pid, round(seconds - self.everyone_before.get(pid, ("", 0))[1], 2))
            for pid, (command, seconds) in self.everyone_after.items()
            if pid not in mine
        ]
        return sorted((u for u in used if u[2] > 0), key=lambda u: -u[2])[:top]

    def report(self, count: int) -> dict:
        after = self.after
        gunicorn = after[0] - self.before[0]
        postgres = _cpu_delta(self.before[1], after[1])
        busy, total, wall = (a - b for a, b in zip(after[2:], self.before[2:], strict=True))
        cores = os.cpu_count()
        per = max(count, 1)
        return {
            "requests": count,
            "wall_s": round(wall, 1),
            "gunicorn_workers_cpu_s": round(gunicorn, 2),
            "postgres_backends_cpu_s": round(postgres, 2),
            "postgres_backends": len(self.backends),
            "machine_busy_cpu_s": round(busy, 2),
            "machine_cpu_s": round(total, 2),
            "machine_busy_share": round(busy / total, 3) if total else None,
            "other_processes_cpu_s": round(busy - gunicorn - postgres, 2),
            # Who else used the CPU meanwhile (wrk, PostgreSQL's own processes, other sessions).
            "top_other_processes": self._others(),
            "gunicorn_ms_per_request": round(gunicorn / per * 1000, 2),
            "postgres_ms_per_request": round(postgres / per * 1000, 2),
            # If the box ran nothing else: cores / (app + database CPU per request).
            "ceiling_per_sec_on_idle_box": round(cores / ((gunicorn + postgres) / per), 1)
            if gunicorn + postgres
            else None,
        }


def cpu_calibration_ms() -> float:
    """CPU time of a fixed pure-Python loop, best of 3, in ms: how fast this virtual machine's
    cores are right now. The same code can run 25% slower an hour later on a shared host while no
    other process runs in the guest; compare figures across runs with this in mind."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)


def timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def write_results(name: str, payload: dict, *, stamp: str | None = None) -> Path:
    """Write `payload` as bench/results/NAME-TIMESTAMP.json and return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}-{stamp or timestamp()}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
    return path


def result_payload(name: str, *, issue: int, stamp: str, args, machine: dict, **fields) -> dict:
    """The record of a run: which benchmark, when, how it was called, on what, then `fields`."""
    return {
        "benchmark": name,
        "issue": issue,
        "timestamp": stamp,
        "command": command_line(),
        "options": vars(args),
        "machine": machine,
        **fields,
    }


def report(
    payload: dict, *, summary: list[str], missed: list[str] = (), missed_label: str = ""
) -> Path:
    """Write `payload` to bench/results/ and print its table, the `summary` lines, the CPU
    calibration, where the record is, and the pages that missed the target."""
    path = write_results(payload["benchmark"], payload, stamp=payload["timestamp"])
    if "table_markdown" in payload:
        print(payload["table_markdown"])
        print()
    for line in summary:
        print(line)
    if "cpu_calibration_ms" in payload:
        print(f"CPU calibration (ms, lower is faster): {payload['cpu_calibration_ms']}")
    print(f"results: {path.relative_to(BASE_DIR)}")
    if missed:
        print(f"{missed_label}: {', '.join(missed)}")
    return path


def command_line() -> str:
    """The command that ran this benchmark, relative to the repository root."""
    script = Path(sys.argv[0]).resolve()
    with contextlib.suppress(ValueError):
        script = script.relative_to(BASE_DIR)
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(BASE_DIR)
    return " ".join([str(python), str(script), *sys.argv[1:]])


def run(main) -> None:
    """Run a benchmark's `main()` and exit with its code: 2 on a BenchError, 130 on Ctrl-C."""
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"error: {error}")
        sys.exit(2)
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
