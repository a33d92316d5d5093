"""The drain (services.messages_drain) on real PostgreSQL and a real SMTP server.

Rows are committed (transactional_db): the drain's threads, and the concurrent senders below,
each work on a database connection of their own, as two workers do.
"""

import threading

import pytest
from django.db import connection

from notifications import services
from notifications.constants import MessageChannel, MessageState
from notifications.models import Message

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CONTEXT = {"code": "000.01.00.H26-261122-0001", "applicant_name": "Nguyễn Văn An", "reason": "X"}


def pending(count: int, **fields) -> list[Message]:
    """Write `count` pending emails, as message_queue does, without handing them to a worker."""
    return Message.objects.bulk_create(
        Message(
            channel=fields.get("channel", MessageChannel.EMAIL),
            recipient=f"dan.{index}@example.vn",
            template="dossier_stopped",
            context=CONTEXT,
            attempts=fields.get("attempts", 0),
        )
        for index in range(count)
    )


def test_the_drain_sends_the_untried_emails_oldest_first_each_once(smtp):
    emails = pending(3)
    [texted] = pending(1, channel=MessageChannel.SMS)
    [retried] = pending(1, attempts=1)  # waits for its retry's countdown: not before
    Message.objects.filter(pk=emails[1].pk).update(state=MessageState.SENT)

    assert services.messages_drain(seconds=10) == 2
    assert smtp.message_ids() == [services._message_id(emails[0]), services._message_id(emails[2])]
    states = dict(Message.objects.values_list("pk", "state"))
    assert [states[m.pk] for m in [*emails, texted, retried]] == [
        MessageState.SENT,
        MessageState.SENT,
        MessageState.SENT,
        MessageState.PENDING,
        MessageState.PENDING,
    ]
    assert Message.objects.get(pk=emails[0].pk).attempts == 1
    # Their own tasks, delivered afterwards, find them sent and do nothing.
    assert services.message_deliver(message_id=emails[0].pk) is None
    assert smtp.count == 2


def test_a_failure_stops_the_drain_and_leaves_the_message_to_its_task(smtp):
    first, refused, last = pending(3)
    smtp.refuse[refused.recipient] = 1

    assert services.messages_drain(seconds=10) == 1
    refused.refresh_from_db()
    last.refresh_from_db()
    # Rolled back: the attempt, its retry and its error are its own task's to make and record.
    assert (refused.state, refused.attempts, refused.last_error) == (MessageState.PENDING, 0, "")
    assert (last.state, last.attempts) == (MessageState.PENDING, 0)
    assert smtp.refused == 1
    assert services.message_deliver(message_id=refused.pk).state == MessageState.SENT
    assert smtp.message_ids() == [services._message_id(m) for m in (first, refused)]


def test_drains_and_deliveries_at_once_send_every_message_exactly_once(smtp):
    """Two drains with four senders each, and every message's own task, all at the same time."""
    messages = pending(120)
    start = threading.Barrier(3)
    results = {}

    def drain(name):
        start.wait()
        try:
            results[name] = services.messages_drain(seconds=30, threads=4)
        finally:
            connection.close()

    def deliver_each():
        start.wait()
        try:
            results["tasks"] = sum(
                services.message_deliver(message_id=m.pk) is not None for m in messages
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=drain, args=("a",)),
        threading.Thread(target=drain, args=("b",)),
        threading.Thread(target=deliver_each),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results["a"] + results["b"] + results["tasks"] == 120
    assert sorted(smtp.message_ids()) == sorted(services._message_id(m) for m in messages)
    assert set(Message.objects.values_list("state", "attempts")) == {(MessageState.SENT, 1)}


def test_the_drain_stops_at_its_deadline(smtp):
    pending(5)
    assert services.messages_drain(seconds=0) == 0
    assert smtp.count == 0
    assert Message.objects.filter(state=MessageState.PENDING).count() == 5
