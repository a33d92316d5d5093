"""The intake wizard while Redis (the cache and the broker) goes down, end to end (issue 17).

Everything is real: the portal's views through Django's test client, PostgreSQL, a redis-server
of this module's own as both the cache and Celery's broker (so that it can be stopped without
touching the machine's), a `celery -A portal worker` with its embedded beat (the requeue runs on
its real schedule, every minute) and an SMTP server. Rows are committed (transactional_db) so
the worker sees them.
"""

import time

import pytest
from django.db import transaction
from django.test import Client

from dossiers.models import Dossier
from notifications import services
from notifications.constants import MessageState
from notifications.models import Message
from tests.dossiers.helpers import captcha_answer, fill_until_review
from tests.notifications.helpers import wait_until
from tests.notifications.stack import worker_stack

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class RecordingClient(Client):
    """The test client, keeping every answer's path and status."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers: list[tuple[str, int]] = []

    def request(self, **request):
        response = super().request(**request)
        self.answers.append((request["PATH_INFO"], response.status_code))
        return response


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Here tasks go to the real broker and worker of `stack`."""
    yield


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    folder = tmp_path_factory.mktemp("outage")
    # With its beat, as docker-compose runs it: messages_requeue every minute.
    with worker_stack(folder, beat=True) as (sink, redis_server, worker):
        yield sink, redis_server, worker, folder


def test_redis_down_through_the_wizard_then_the_confirmation_arrives_once(
    stack, catalogue, settings
):
    sink, redis_server, worker, folder = stack
    sink.reset()
    settings.MEDIA_ROOT = folder / "media"
    # The cache in the same redis-server as the broker, in another database (a cache clear must
    # not drop the queued tasks).
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": redis_server.url.replace("/0", "/1"),
        },
    }
    client = RecordingClient()

    def fail(what: str):
        pytest.fail(f"{what}\n--- worker log ---\n{worker.log_tail()}", pytrace=False)

    redis_server.stop()  # before the first page
    try:
        assert client.get("/thu-tuc/1.001193/").status_code == 200
        review = fill_until_review(client, catalogue)
    finally:
        redis_server.start()
    page = client.get(review).content.decode()
    redis_server.stop()  # between the review and "Gửi thông tin"
    try:
        response = client.post(review, captcha_answer(page))
        assert response.status_code == 302
        success = client.get(response["Location"])
    finally:
        redis_server.start()
    returned_at = time.monotonic()
    errors = [(path, status) for path, status in client.answers if status >= 400]
    assert not errors, errors
    dossier = Dossier.objects.get()
    assert success.status_code == 200 and dossier.code in success.content.decode()
    message = Message.objects.get(subject_id=dossier.pk)
    assert message.state == MessageState.PENDING  # the broker refused it; beat will queue it

    # Beat's next tick (every minute) queues it again; the worker has reconnected meanwhile.
    try:
        wait_until(lambda: sink.count >= 1, timeout=150, interval=0.5, what="the confirmation")
    except TimeoutError as error:
        fail(str(error))
    delay = sink.accepted_at[0] - returned_at
    print(f"confirmation accepted {delay:.1f} s after Redis returned")  # noqa: T201
    assert delay < 90, delay  # within about a minute: one beat interval, and the reconnection

    # Exactly once: a sentinel queued now is sent after anything still queued before it.
    with transaction.atomic():
        sentinel = services.message_queue(
            recipient="sentinel@example.vn",
            template="dossier_stopped",
            context={"code": dossier.code, "applicant_name": "X", "reason": "X"},
        )
    try:
        wait_until(
            lambda: Message.objects.get(pk=sentinel.pk).state == MessageState.SENT,
            timeout=60,
            what="the sentinel",
        )
    except TimeoutError as error:
        fail(str(error))
    confirmations = [m for m in sink.messages() if m["To"] == "an.nguyen@example.vn"]
    assert len(confirmations) == 1
    assert dossier.code in confirmations[0]["Subject"]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 1)
