"""A Celery worker whose warm-up is slow keeps its pool (issue 17).

A prefork pool kills a new process that has not reported up within 4 s (worker_proc_alive_timeout):
a warm-up at the process's start (dossiers.workers.prepare, 1.3 s, much more under load) made
them miss it, in a crash loop. Here the warm-up takes longer than the limit (slow_warm_up), and
the worker, whose two pool processes are replaced (killed, as a cancelled task's are after a broker
reconnect), still sends.
"""

import os
import signal

import pytest
from django.db import transaction

from notifications import services
from notifications.constants import MessageState
from notifications.models import Message
from tests.notifications.helpers import wait_until
from tests.notifications.stack import worker_stack

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DELAY = 6  # seconds: beyond Celery's 4


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Here tasks go to the real broker and the worker started by the test."""
    yield


def test_a_worker_whose_warm_up_is_slow_keeps_its_pool_and_sends(tmp_path):
    with worker_stack(
        tmp_path,
        worker_options={
            "app": "tests.notifications.slow_warm_up",
            "pool": "prefork",
            "concurrency": 2,
        },
        TEST_WARM_UP_DELAY=str(DELAY),
    ) as (sink, _redis_server, worker):
        # The pool's first processes are not timed; the ones that replace them are, as after
        # a broker reconnect cancels the running tasks: kill both, as the OOM killer would.
        first = wait_until(
            lambda: len(worker.pool_pids()) == 2 and worker.pool_pids(),
            timeout=10,
            what="two pool processes",
        )
        for pid in first:
            os.kill(pid, signal.SIGKILL)
        with transaction.atomic():
            messages = [
                services.message_queue(
                    recipient=f"warm-{n}@example.vn",
                    template="dossier_stopped",
                    context={"code": f"X-{n}", "applicant_name": "A", "reason": "X"},
                )
                for n in range(4)
            ]
        ids = [message.pk for message in messages]
        try:
            wait_until(
                lambda: (
                    not Message.objects.filter(pk__in=ids).exclude(state=MessageState.SENT).exists()
                ),
                timeout=60,
                what="the messages sent",
            )
        except TimeoutError as error:
            pytest.fail(f"{error}\n--- worker log ---\n{worker.log_tail()}", pytrace=False)
        log = worker.log_path.read_text(errors="replace")
        pids = worker.pool_pids()
        assert len(pids) == 2
    assert sink.count == 4
    assert "Timed out waiting for UP message" not in log
    assert log.count("signal 9") == 2  # the two the test killed, no more
    # Each new pool process prepared itself once, before its first task, the pool long up.
    assert 1 <= log.count("Worker process prepared in") <= 2
    assert not set(first) & set(pids)
