"""The real stack the worker tests run on: an SMTP sink, a redis-server of the test's own as the
broker, a Celery worker on the test database, and this process publishing to that broker."""

import contextlib
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import skip_or_fail
from tests.notifications.helpers import (
    CeleryWorker,
    RedisServer,
    SmtpSink,
    database_url,
    worker_env,
)


def require_services() -> None:
    """Skip (or fail, where CI requires the services) without PostgreSQL, Redis, redis-server."""
    if connection.vendor != "postgresql":
        skip_or_fail("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set")
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")


@contextlib.contextmanager
def celery_broker(url: str):
    """Publish from this process to `url` for real, instead of running tasks in-process."""
    from kombu import pools

    from portal.celery import app

    def reset_pools():
        # kombu keeps its connection and producer pools in global groups keyed by the broker's
        # URL: closing only the app's connection pool left the producer pool of the same URL
        # holding it, closed, for every later test ("Acquire on closed pool"). Reset them all.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url, app.conf.task_always_eager
    reset_pools()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.task_always_eager = saved


@contextlib.contextmanager
def worker_stack(
    folder: Path, *, beat: bool = False, worker_options: dict | None = None, **env: str
):
    """Yield (sink, redis_server, worker) running, with `env` added to the worker's environment
    (MEDIA_ROOT is `folder`/media), `worker_options` given to CeleryWorker and, with `beat`, its
    beat as docker-compose runs it (messages_requeue every minute); stop them all."""
    require_services()
    with SmtpSink() as sink, RedisServer(log_path=folder / "redis.log") as redis_server:
        worker_environment = worker_env(
            database_url=database_url(connection.settings_dict),
            redis_url=redis_server.url,
            smtp_port=sink.port,
            MEDIA_ROOT=str(folder / "media"),
            **env,
        )
        worker = CeleryWorker(
            env=worker_environment, log_path=folder / "worker.log", **(worker_options or {})
        )
        if beat:
            worker.command += ["--beat", f"--schedule={folder / 'beat-schedule'}"]
        with worker, celery_broker(redis_server.url):
            yield sink, redis_server, worker
