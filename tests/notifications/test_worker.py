"""The outbox against the real thing: a Celery worker on Redis, PostgreSQL, an SMTP server.

The worker is `celery -A portal worker` in a subprocess, on the test database and a redis-server
of this module's own (so that Redis can be stopped without touching the machine's), sending to an
aiosmtpd server started here. Rows are committed (transactional_db) so the worker sees them.
"""

import dataclasses
from pathlib import Path

import pytest
from django.db import transaction

from notifications import services
from notifications.constants import MessageState
from notifications.models import Message
from notifications.tasks import message_send
from tests.dossiers.factories import submitted
from tests.notifications.helpers import (
    CeleryWorker,
    RedisServer,
    SmtpSink,
    wait_until,
)
from tests.notifications.stack import worker_stack

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CONTEXT = {"code": "000.99.00.H26-261122-9999", "applicant_name": "Lê Văn Cường", "reason": "X"}


@dataclasses.dataclass
class Stack:
    sink: SmtpSink
    redis: RedisServer
    worker: CeleryWorker
    media: Path  # the worker's MEDIA_ROOT

    def wait(self, condition, what: str, timeout: float = 30):
        try:
            return wait_until(condition, timeout=timeout, what=what)
        except TimeoutError as error:
            pytest.fail(f"{error}\n--- worker log ---\n{self.worker.log_tail()}", pytrace=False)

    def wait_sent(self, *messages: Message, timeout: float = 30) -> None:
        ids = [message.pk for message in messages]
        self.wait(
            lambda: (
                not Message.objects.filter(pk__in=ids).exclude(state=MessageState.SENT).exists()
            ),
            f"messages {ids} sent",
            timeout,
        )


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Here tasks go to the real broker and worker of `stack`."""
    yield


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    folder = tmp_path_factory.mktemp("notifications")
    with worker_stack(
        folder, NOTIFICATIONS_RETRY_BACKOFF="0.2", NOTIFICATIONS_RETRY_BACKOFF_MAX="0.4"
    ) as (sink, redis_server, worker):
        yield Stack(sink=sink, redis=redis_server, worker=worker, media=folder / "media")


@pytest.fixture
def live(stack):
    stack.sink.reset()
    return stack


def queue(recipient: str) -> Message:
    with transaction.atomic():
        return services.message_queue(
            recipient=recipient, template="dossier_stopped", context=CONTEXT
        )


def test_confirmations_reach_the_smtp_server_once_with_the_receipt(live, catalogue):
    dossiers = [submitted(catalogue["khai_sinh"], catalogue["long_bien"]) for _ in range(3)]
    messages = list(Message.objects.filter(subject_id__in=[d.pk for d in dossiers]))
    live.wait_sent(*messages)
    # A redelivered task (broker redelivery, a second requeue) finds the message sent.
    for message in messages:
        message_send.delay(message.pk)
    live.wait_sent(sentinel := queue("sentinel@example.vn"))

    assert live.sink.count == 4
    assert len(set(live.sink.message_ids())) == 4
    for dossier in dossiers:
        [email] = [m for m in live.sink.messages() if dossier.code in m["Subject"]]
        assert email["To"] == "an.nguyen@example.vn"
        assert "Đã nhận hồ sơ" in email["Subject"]
        types = [part.get_content_type() for part in email.walk()]
        assert {"text/plain", "text/html", "application/pdf"} <= set(types)
        [pdf] = [part for part in email.walk() if part.get_content_type() == "application/pdf"]
        assert pdf.get_filename() == f"xac-nhan-nop-ho-so-{dossier.code}.pdf"
        assert pdf.get_payload(decode=True).startswith(b"%PDF-")
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
    assert sentinel.pk


def test_a_rolled_back_transaction_sends_nothing(live):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.message_queue(recipient="rollback@example.vn", template="x", context={})
        raise RuntimeError("the officer's action failed")
    live.wait_sent(queue("sentinel@example.vn"))  # the worker takes tasks in order
    assert [m["To"] for m in live.sink.messages()] == ["sentinel@example.vn"]
    assert not Message.objects.filter(recipient="rollback@example.vn").exists()


def test_smtp_failing_twice_then_succeeding_is_delivered_once(live):
    live.sink.refuse["busy@example.vn"] = 2
    message = queue("busy@example.vn")
    live.wait_sent(message)
    message.refresh_from_db()
    assert message.attempts == 3 and message.last_error.startswith("SMTPDataError: (451")
    assert live.sink.refused == 2
    assert [m["To"] for m in live.sink.messages()] == ["busy@example.vn"]


def stored_files(media: Path) -> set[str]:
    return {path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file()}


def test_a_failed_attempt_leaves_no_file_and_the_retry_stores_one(live, catalogue):
    before = stored_files(live.media)
    live.sink.refuse["an.nguyen@example.vn"] = 2
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    message = Message.objects.get(subject_id=dossier.pk)
    live.wait_sent(message)
    message.refresh_from_db()
    assert message.attempts == 3 and live.sink.refused == 2
    # The file is stored after the commit that marks the message sent: wait for its row too.
    live.wait(
        lambda: type(dossier).objects.filter(pk=dossier.pk).exclude(confirmation="").exists(),
        "the confirmation stored",
    )
    dossier.refresh_from_db()
    # Before: one copy per attempt ("<code>-xac-nhan.pdf", then "<code>-xac-nhan_AbC1234.pdf"…),
    # the failed attempts' copies named by no row.
    assert stored_files(live.media) - before == {dossier.confirmation.name}
    [email] = live.sink.messages()
    [pdf] = [part for part in email.walk() if part.get_content_type() == "application/pdf"]
    assert (live.media / dossier.confirmation.name).read_bytes() == pdf.get_payload(decode=True)


def test_a_worker_killed_mid_send_sends_once(live, settings):
    settings.NOTIFICATIONS_REQUEUE_AFTER = 0
    live.sink.hold_next()
    message = queue("killed@example.vn")
    live.wait(live.sink.holding.is_set, "the worker in the middle of DATA")
    live.worker.kill()
    live.wait(lambda: live.sink.aborted == 1, "the SMTP server seeing the sender gone")
    # The worker's transaction died with it: the row is pending again, and not locked.
    with transaction.atomic():
        row = Message.objects.select_for_update(nowait=True).get(pk=message.pk)
    assert (row.state, row.attempts) == (MessageState.PENDING, 0)

    live.worker.start()
    assert services.messages_requeue() == 1  # what celery beat does every minute
    live.wait_sent(message)
    assert services.messages_requeue() == 0
    assert [m["To"] for m in live.sink.messages()] == ["killed@example.vn"]
    assert Message.objects.get(pk=message.pk).attempts == 1


def test_a_worker_killed_mid_drain_sends_each_once(live):
    live.sink.hold_next(recipient="second@example.vn")
    with transaction.atomic():  # two tasks queued at once: the second waits behind the first
        first = services.message_queue(
            recipient="first@example.vn", template="dossier_stopped", context=CONTEXT
        )
        second = services.message_queue(
            recipient="second@example.vn", template="dossier_stopped", context=CONTEXT
        )
    # The first's task sends it, then drains the second, whose own task is still queued.
    live.wait(live.sink.holding.is_set, "the worker in the middle of the second's DATA")
    live.worker.kill()
    live.wait(lambda: live.sink.aborted == 1, "the SMTP server seeing the sender gone")
    assert Message.objects.get(pk=first.pk).state == MessageState.SENT
    with transaction.atomic():  # the drained message's attempt died with the worker
        row = Message.objects.select_for_update(nowait=True).get(pk=second.pk)
    assert (row.state, row.attempts) == (MessageState.PENDING, 0)

    live.worker.start()
    live.wait_sent(second)  # by its own task, without beat
    assert [m["To"] for m in live.sink.messages()] == ["first@example.vn", "second@example.vn"]
    assert Message.objects.get(pk=second.pk).attempts == 1
    assert len(set(live.sink.message_ids())) == 2


def test_redis_down_while_submitting_then_every_confirmation_once(live, catalogue):
    live.redis.stop()
    try:
        dossiers = [submitted(catalogue["khai_sinh"], catalogue["long_bien"]) for _ in range(3)]
        messages = list(Message.objects.filter(subject_id__in=[d.pk for d in dossiers]))
        assert len(messages) == 3  # committed, the citizens saw their codes
        assert {message.state for message in messages} == {MessageState.PENDING}
    finally:
        live.redis.start()
    assert services.messages_requeue() == 3  # due at once: the broker refused them
    live.wait_sent(*messages, timeout=45)  # the worker reconnects on its own
    assert services.messages_requeue() == 0
    assert sorted(m["Subject"].split()[-1] for m in live.sink.messages()) == sorted(
        dossier.code for dossier in dossiers
    )
    assert len(set(live.sink.message_ids())) == 3
