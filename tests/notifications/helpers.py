"""Real services for the notification tests and benchmark: an SMTP server (aiosmtpd), a private
redis-server and a Celery worker, each a context manager that always stops what it started."""

import asyncio
import contextlib
import email
import email.parser
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `condition` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not met within {timeout} s")
        time.sleep(interval)


class SmtpSink:
    """An SMTP server on loopback that keeps every message it accepts, as raw bytes.

    `refuse[recipient] = n` answers "451" to the next n messages for that recipient; `hold_next()`
    keeps the next message's DATA (or, given a recipient, the next one's to them) unanswered until
    the client goes away, as a server does when the sender dies mid-send: that message is then not
    accepted.
    """

    def __init__(self):
        self.port = free_port()
        self.raw: list[bytes] = []
        self.accepted_at: list[float] = []
        self.refuse: dict[str, int] = {}
        self.refused = 0
        self.aborted = 0
        self.holding = threading.Event()
        self._hold: bool | str = False
        self._controller = Controller(self, hostname=LOOPBACK, port=self.port)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command

    async def handle_DATA(self, server, session, envelope):
        recipient = envelope.rcpt_tos[0]
        if self.refuse.get(recipient, 0) > 0:
            self.refuse[recipient] -= 1
            self.refused += 1
            return "451 4.3.0 Temporary failure, try again later"
        if self._hold is True or self._hold == recipient:
            self._hold = False
            self.holding.set()
            try:
                await asyncio.sleep(60)  # cancelled by aiosmtpd when the client disconnects
            except asyncio.CancelledError:
                self.aborted += 1
                raise
        self.raw.append(envelope.content)
        self.accepted_at.append(time.monotonic())
        return "250 2.0.0 OK"

    @property
    def count(self) -> int:
        return len(self.raw)

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.SMTP) for raw in self.raw]

    def message_ids(self) -> list[str]:
        parser = email.parser.BytesHeaderParser(policy=email.policy.SMTP)
        return [parser.parsebytes(raw)["Message-ID"] for raw in self.raw]

    def hold_next(self, recipient: str | None = None) -> None:
        self.holding.clear()
        self._hold = recipient or True

    def reset(self) -> None:
        self.raw.clear()
        self.accepted_at.clear()
        self.refuse.clear()
        self.refused = self.aborted = 0

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()


class RedisServer:
    """A throwaway redis-server on a free loopback port, without persistence unless `data_dir`
    is given (then `persist()` writes its data there, read back at the next start, as a Redis
    restarted with its dump does); can be restarted."""

    def __init__(self, *, log_path: Path, data_dir: Path | None = None):
        self.port = free_port()
        self.url = f"redis://{LOOPBACK}:{self.port}/0"
        self.log_path = log_path
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 10) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--bind",
                    LOOPBACK,
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    *(["--dir", str(self.data_dir)] if self.data_dir else []),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self.ping, timeout=timeout, what=f"redis-server on port {self.port}")

    def ping(self) -> bool:
        import redis

        client = redis.Redis(host=LOOPBACK, port=self.port, socket_connect_timeout=0.5)
        try:
            return client.ping()
        except redis.ConnectionError:
            return False
        finally:
            client.close()

    def persist(self) -> None:
        """Write the data to `data_dir` now (SAVE)."""
        import redis

        assert self.data_dir is not None, "persist() needs a data_dir"
        client = redis.Redis(host=LOOPBACK, port=self.port)
        try:
            client.save()
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class CeleryWorker:
    """`celery -A portal worker` as deployed (acks_late, prefetch 1), with one solo process, or
    another `app` and `pool` (prefork, with `concurrency` processes)."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        log_path: Path,
        app: str = "portal",
        pool: str = "solo",
        concurrency: int = 1,
    ):
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            app,
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--prefetch-multiplier=1",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
        ]

    def start(self, *, timeout: float = 60) -> None:
        self.log_path.write_bytes(b"")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._ready, timeout=timeout, interval=0.1, what="the Celery worker")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited:\n{self.log_tail()}")
        return b" ready." in self.log_path.read_bytes()

    def pool_pids(self) -> list[int]:
        """The worker's pool processes (its children; none with the solo pool)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a power cut would: no cleanup, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> "CeleryWorker":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_process_group(process: subprocess.Popen, *, timeout: float = 10) -> None:
    """Stop a server started with `start_new_session=True` and its children: SIGTERM to the
    group, SIGKILL if it is still there after `timeout` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def worker_env(*, database_url: str, redis_url: str, smtp_port: int, **extra: str) -> dict:
    """The environment of a worker sending through the SMTP server on `smtp_port`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_HOST": LOOPBACK,
            "EMAIL_PORT": str(smtp_port),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django's `connection` is using (the test database)."""
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = (
        f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict.get("PASSWORD") else ""
    )
    host = settings_dict.get("HOST") or LOOPBACK
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
