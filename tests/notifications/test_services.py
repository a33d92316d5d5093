"""The outbox in-process (no broker: tasks run eagerly after commit), against a real SMTP server."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from dossiers.models import Dossier
from dossiers.notify import dossier_notify
from notifications import services
from notifications.constants import MessageChannel, MessageState
from notifications.models import Message
from notifications.selectors import messages_about
from tests.dossiers.factories import submitted

pytestmark = pytest.mark.django_db
CONTEXT = {"code": "000.01.00.H26-261122-0001", "applicant_name": "Nguyễn Văn An", "reason": "X"}


def queue(recipient="an@example.vn", **kwargs) -> Message:
    return services.message_queue(
        recipient=recipient, template="dossier_stopped", context=CONTEXT, **kwargs
    )


def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the officer's action failed")
    assert callbacks == []
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_smtp_failing_twice_then_succeeding_is_sent_once(smtp, django_capture_on_commit_callbacks):
    smtp.refuse["an@example.vn"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()  # eager: the first attempt runs right after commit, and must not raise
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.PENDING, 1)
    assert message.last_error.startswith("SMTPDataError: (451")
    assert message.requeue_at > timezone.now()
    # What the worker's retries do:
    assert services.message_deliver(message_id=message.pk).state == MessageState.PENDING
    assert services.message_deliver(message_id=message.pk).state == MessageState.SENT
    assert services.message_deliver(message_id=message.pk) is None  # redelivered: nothing to do
    message.refresh_from_db()
    assert (message.state, message.attempts, message.requeue_at) == (MessageState.SENT, 3, None)
    assert message.sent_at is not None
    assert smtp.refused == 2
    assert smtp.message_ids() == [services._message_id(message)]


def test_the_last_attempt_marks_the_message_failed(smtp, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp.refuse["an@example.vn"] = 5
    message = queue()
    first = services.message_deliver(message_id=message.pk)
    assert first.state == MessageState.PENDING and first.retry_in > 0
    assert services.message_deliver(message_id=message.pk) == services.Attempt(
        state=MessageState.FAILED
    )
    assert services.message_deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert (message.state, message.attempts, message.requeue_at) == ("failed", 2, None)
    assert "451" in message.last_error and smtp.count == 0


def test_retry_delays_double_with_jitter_up_to_the_cap(settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF = 60
    settings.NOTIFICATIONS_RETRY_BACKOFF_MAX = 1800
    for attempts, step in [(1, 60), (2, 120), (3, 240), (5, 960), (6, 1800), (9, 1800)]:
        delays = {services.retry_delay(attempts) for _ in range(50)}
        assert all(step / 2 <= delay <= step for delay in delays)
        assert len(delays) > 1


def test_a_broker_that_is_down_leaves_the_message_due_for_requeue(
    monkeypatch, django_capture_on_commit_callbacks
):
    from notifications.tasks import message_send

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(message_send, "delay", refused)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()  # the citizen's request goes on
    message.refresh_from_db()
    assert message.state == MessageState.PENDING and message.attempts == 0
    assert message.requeue_at <= timezone.now()


def test_a_broker_outage_warns_once_not_once_per_submission(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from notifications.tasks import message_send

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(services, "BROKER", services.Outage("Celery broker"))  # this test's
    monkeypatch.setattr(message_send, "delay", refused)
    caplog.set_level("INFO", logger="notifications.services")
    caplog.set_level("INFO", logger="core.outages")
    for n in range(3):  # three citizens' submissions during the outage
        with django_capture_on_commit_callbacks(execute=True):
            queue(f"cong.dan.{n}@example.vn")
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "Celery broker unreachable" in warnings[0].getMessage()
    assert sum("not queued" in r.getMessage() for r in caplog.records) == 3
    assert Message.objects.filter(requeue_at__lte=timezone.now()).count() == 3
    # The broker back: one line says so.
    monkeypatch.setattr(message_send, "delay", lambda *args, **kwargs: None)
    caplog.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queue("cong.dan.3@example.vn")
    assert [r.getMessage() for r in caplog.records] == ["Celery broker answers again"]


def test_requeue_sends_the_overdue_pending_messages_only(django_capture_on_commit_callbacks):
    past = timezone.now() - datetime.timedelta(minutes=1)
    overdue, waiting, sent, failed = (queue(f"{name}@example.vn") for name in "abcd")
    Message.objects.filter(pk=overdue.pk).update(requeue_at=past)
    Message.objects.filter(pk=sent.pk).update(state=MessageState.SENT, requeue_at=past)
    Message.objects.filter(pk=failed.pk).update(state=MessageState.FAILED, requeue_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_requeue() == 1
    assert [email.to for email in mail.outbox] == [["a@example.vn"]]
    waiting.refresh_from_db()
    assert waiting.state == MessageState.PENDING


def test_resend_queues_failed_messages_again_and_skips_sent_ones(
    django_capture_on_commit_callbacks,
):
    failed, sent = queue("a@example.vn"), queue("b@example.vn")
    Message.objects.filter(pk=failed.pk).update(state=MessageState.FAILED, attempts=8)
    Message.objects.filter(pk=sent.pk).update(state=MessageState.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        resent = services.messages_resend(message_ids=[failed.pk, sent.pk])
    assert [message.pk for message in resent] == [failed.pk]
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (MessageState.SENT, 1)
    assert [email.to for email in mail.outbox] == [["a@example.vn"]]


def test_a_dossiers_citizen_gets_email_and_texts_as_configured(
    catalogue, settings, sms_outbox, django_capture_on_commit_callbacks
):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    mail.outbox.clear()

    def notify():
        with django_capture_on_commit_callbacks(execute=True):
            messages = dossier_notify(
                dossier=Dossier.objects.get(pk=dossier.pk),
                template="dossier_refused",
                extra_context={"reason": "Sai thẩm quyền"},
            )
        return [(message.channel, message.recipient) for message in messages]

    assert notify() == [(MessageChannel.EMAIL, "an.nguyen@example.vn")]
    assert "Sai thẩm quyền" in mail.outbox[-1].body and sms_outbox == []
    settings.SMS_NOTIFY = "always"
    assert notify() == [
        (MessageChannel.EMAIL, "an.nguyen@example.vn"),
        (MessageChannel.SMS, "0912345678"),
    ]
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email="")
    settings.SMS_NOTIFY = "fallback"
    assert notify() == [(MessageChannel.SMS, "0912345678")]  # the citizen gave only a phone
    assert sms_outbox[-1]["to"] == "0912345678"
    assert dossier.code in sms_outbox[-1]["text"] and "\n" not in sms_outbox[-1]["text"]
    settings.SMS_NOTIFY = "never"
    assert notify() == []
    refusals = messages_about(dossier).filter(template="dossier_refused")
    assert {message.state for message in refusals} == {MessageState.SENT} and len(refusals) == 4


def test_the_file_sms_backend_writes_one_line_per_text(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    message = queue("0912345678", channel=MessageChannel.SMS)
    assert services.message_deliver(message_id=message.pk).state == MessageState.SENT
    [log] = (tmp_path / "sms").iterdir()
    line = log.read_text(encoding="utf-8")
    assert line.count("\n") == 1 and "\t0912345678\t" in line and CONTEXT["code"] in line
