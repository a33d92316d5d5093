"""The portal's Celery app with a warm-up slower than Celery's limit for a new pool process to
report up (4 s): `celery -A tests.notifications.slow_warm_up worker`, for test_worker_warm_up.

The delay is injected here, before the pool forks, rather than by a setting the portal would
carry for a test's sake."""

import os
import time

from dossiers import workers
from portal.celery import app

__all__ = ["app"]
DELAY = float(os.environ.get("TEST_WARM_UP_DELAY", "6"))
_prepare = workers.prepare


def slow_prepare() -> None:
    time.sleep(DELAY)
    _prepare()


workers.prepare = slow_prepare
