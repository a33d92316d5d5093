"""The outbox: messages are written in the transaction that causes them and sent after it commits.

Never lost: a message is a row before it is a task, and `messages_requeue` (celery beat, every
minute) queues again whatever is still pending past its `requeue_at`: the broker was down at
commit, a worker died, a retry was lost. Never sent twice: the sender locks the row while sending
and returns early once it is sent, so a redelivered or re-queued task does nothing. The one window
left is SMTP's own: a worker killed after the server's "250 OK" and before its commit sends again
on the next try, with the same Message-ID, by which mail clients can recognise the copy.
"""

import concurrent.futures
import contextlib
import dataclasses
import datetime
import functools
import logging
import random
import time
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Model, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.outages import Outage
from core.siteurl import site_url
from notifications import attachments as attachment_providers
from notifications import smtp
from notifications.constants import MessageChannel, MessageState, SmsPolicy
from notifications.models import Message
from notifications.sms import sms_send

logger = logging.getLogger(__name__)


def message_queue(
    *,
    channel: str = MessageChannel.EMAIL,
    recipient: str,
    template: str,
    context: dict,
    subject: Model | None = None,
    reference: str = "",
    attachments: list[dict] | None = None,
) -> Message:
    """Write a message to the outbox and send it once the current transaction commits.

    Call it inside the transaction of the change it announces: if that rolls back, the message was
    never written. `context` must be JSON-able; `subject` is the saved row the message is about
    (the outbox keeps its model label and key, and `reference`, a name for it that officers
    search); `attachments` are `{"provider": name, "id": pk}` specs resolved when the message is
    sent (see notifications.attachments).
    """
    message = Message.objects.create(
        channel=channel,
        recipient=recipient,
        template=template,
        context=context,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        reference=reference,
        attachments=attachments or [],
        requeue_at=_requeue_at(timezone.now()),
    )
    # Robust: whatever befalls the hand-over, the change is saved and beat re-queues the message.
    transaction.on_commit(
        functools.partial(messages_dispatch, message_ids=[message.pk]), robust=True
    )
    return message


def notify(
    *,
    email: str,
    phone: str,
    template: str,
    context: dict,
    subject: Model | None = None,
    reference: str = "",
    attachments: list[dict] | None = None,
) -> list[Message]:
    """Tell a citizen by email, SMS or both; return the queued messages.

    The email goes to `email`, with `attachments`; an SMS goes to `phone` when there is no email,
    or always, or never, as settings.SMS_NOTIFY says ("fallback", "always", "never"). Templates
    live in templates/notifications/email/<template>.{subject.txt,txt,html} and
    templates/notifications/sms/<template>.txt. Call it inside the transaction of the change it
    announces (see message_queue).
    """
    routes: list[tuple[str, str, list[dict] | None]] = []
    if email:
        routes.append((MessageChannel.EMAIL, email, attachments))
    policy = settings.SMS_NOTIFY
    if phone and (policy == SmsPolicy.ALWAYS or (policy == SmsPolicy.FALLBACK and not email)):
        routes.append((MessageChannel.SMS, phone, None))
    return [
        message_queue(
            channel=channel,
            recipient=recipient,
            template=template,
            context=context,
            subject=subject,
            reference=reference,
            attachments=files,
        )
        for channel, recipient, files in routes
    ]


# The broker as this process last found it (core.outages: warnings rate-limited).
BROKER = Outage("Celery broker")


def messages_dispatch(*, message_ids: Sequence[int]) -> None:
    """Hand messages to the workers (without a broker: send them now); never raise.

    With the broker down, the messages not handed over are marked due at once, so that
    `messages_requeue` queues them again as soon as it runs.
    """
    from notifications.tasks import message_send

    for index, message_id in enumerate(message_ids):
        try:
            message_send.delay(message_id)
        except Exception as error:
            # One warning per interval for the outage, not one per submission while it lasts.
            BROKER.failed(error)
            logger.info(
                "Messages %s not queued; messages_requeue will queue them again",
                list(message_ids[index:]),
            )
            Message.objects.filter(pk__in=message_ids[index:], state=MessageState.PENDING).update(
                requeue_at=timezone.now()
            )
            return
        BROKER.answered()


@dataclasses.dataclass(frozen=True)
class Attempt:
    """What one delivery attempt did: the message's state after it, and when to try again."""

    state: str
    retry_in: float | None = None


def message_deliver(*, message_id: int) -> Attempt | None:
    """Try to send one pending message; return what happened, or None if there was nothing to do.

    The row stays locked while sending, so that a second task for the same message waits, then
    finds it sent. A failure is recorded (attempts, last_error) and the message stays pending
    until its next attempt, or is marked failed after settings.NOTIFICATIONS_MAX_ATTEMPTS.
    """
    # A task whose message a drain or an earlier delivery sent: one query, no transaction.
    if not Message.objects.filter(pk=message_id, state=MessageState.PENDING).exists():
        return None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(pk=message_id, state=MessageState.PENDING)
            .first()
        )
        if message is None:
            return None
        return _attempt(message)


def _attempt(message: Message) -> Attempt:
    """Send a message locked by the current transaction, and record the attempt on its row."""
    message.attempts += 1
    now = timezone.now()
    retry_in = None
    try:
        # An attachment provider reads the database: its failure must leave this transaction
        # usable. Without attachments nothing inside queries, and the savepoint is not needed.
        with transaction.atomic() if message.attachments else contextlib.nullcontext():
            _send(message)
    except Exception as error:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            message.state = MessageState.FAILED
            message.requeue_at = None
        else:
            retry_in = retry_delay(message.attempts)
            message.requeue_at = _requeue_at(now + datetime.timedelta(seconds=retry_in))
        logger.warning(
            "Message %s, attempt %s: %s", message.pk, message.attempts, message.last_error
        )
    else:
        message.state = MessageState.SENT
        message.sent_at = now
        message.requeue_at = None
    message.save(update_fields=["state", "attempts", "last_error", "requeue_at", "sent_at"])
    return Attempt(state=message.state, retry_in=retry_in)


class _NotSent(Exception):
    """A drained message that failed: its attempt is rolled back, its own task tries it."""


def messages_drain(*, seconds: float, threads: int = 1) -> int:
    """Send the emails waiting for their first attempt, for up to `seconds`; return how many.

    A worker that has just sent a message, its SMTP connection open, sends the next ones too
    instead of paying a task's fetch and acknowledgement for each: their tasks, still queued,
    then find them sent. Each message is locked (`SKIP LOCKED`: one another sender holds is left
    to it), sent and committed on its own, as `message_deliver` does. When there is one, up to
    `threads` senders, each with its own database and SMTP connection, overlap their waits on
    the SMTP server and PostgreSQL's commits. A failure stops the sender that met it and is
    rolled back: the message's own task makes the attempt, with its retries.
    """
    if not _untried_emails().exists():  # one query where there is nothing to drain
        return 0
    deadline = time.monotonic() + seconds
    sent = _drain(deadline, limit=1)
    if not sent or threads <= 1:
        return sent + (_drain(deadline) if sent else 0)
    with concurrent.futures.ThreadPoolExecutor(threads - 1, "messages-drain") as pool:
        others = [pool.submit(_drain_thread, deadline) for _ in range(threads - 1)]
        sent += _drain(deadline)
        return sent + sum(future.result() for future in others)


def _untried_emails():
    return Message.objects.filter(
        state=MessageState.PENDING, attempts=0, channel=MessageChannel.EMAIL
    )


def _drain_thread(deadline: float) -> int:
    try:
        return _drain(deadline)
    finally:  # the thread ends: its connections with it
        connection.close()
        smtp.connection_close()


def _drain(deadline: float, limit: int | None = None) -> int:
    sent = 0
    while time.monotonic() < deadline and sent != limit:
        try:
            with transaction.atomic():
                message = (
                    _untried_emails().select_for_update(skip_locked=True).order_by("pk").first()
                )
                if message is None:
                    break
                if _attempt(message).state != MessageState.SENT:
                    raise _NotSent
        except _NotSent:
            break
        sent += 1
    return sent


def retry_delay(attempts: int) -> float:
    """Return the seconds to wait after `attempts` failures: doubling, capped, with jitter.

    The jitter ("equal jitter": between half and all of the step) spreads the retries of messages
    that failed together, when the SMTP server comes back.
    """
    step = min(
        settings.NOTIFICATIONS_RETRY_BACKOFF_MAX,
        settings.NOTIFICATIONS_RETRY_BACKOFF * 2 ** (attempts - 1),
    )
    return random.uniform(step / 2, step)


def messages_requeue(*, limit: int = 1000) -> int:
    """Queue again the pending messages past their `requeue_at`; return how many.

    Messages being sent at this moment are locked, and skipped. The others get a new
    `requeue_at`, so that a message that is merely waiting in a long queue is not queued again
    before another NOTIFICATIONS_REQUEUE_AFTER seconds.
    """
    now = timezone.now()
    with transaction.atomic():
        message_ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(Q(requeue_at__lte=now) | Q(requeue_at__isnull=True), state=MessageState.PENDING)
            .order_by("requeue_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Message.objects.filter(pk__in=message_ids).update(requeue_at=_requeue_at(now))
        transaction.on_commit(
            functools.partial(messages_dispatch, message_ids=message_ids), robust=True
        )
    if message_ids:
        logger.info("Queued %s pending messages again", len(message_ids))
    return len(message_ids)


def messages_resend(*, message_ids: Iterable[int]) -> list[Message]:
    """Queue again the given messages that are not sent, for a new round of attempts.

    Return the messages queued; sent ones are left alone. For the administrator's "Gửi lại".
    """
    now = timezone.now()
    with transaction.atomic():
        messages = list(
            Message.objects.select_for_update()
            .filter(pk__in=list(message_ids))
            .exclude(state=MessageState.SENT)
            .order_by("pk")
        )
        for message in messages:
            message.state = MessageState.PENDING
            message.attempts = 0
            message.requeue_at = _requeue_at(now)
        Message.objects.bulk_update(messages, ["state", "attempts", "requeue_at"])
        transaction.on_commit(
            functools.partial(messages_dispatch, message_ids=[message.pk for message in messages]),
            robust=True,
        )
    return messages


def message_render(message: Message) -> dict[str, str]:
    """Return the subject, text and HTML of an email, or the text of an SMS, from its templates."""
    context = {
        **message.context,
        "site_url": site_url(),
        "portal_name": settings.PORTAL_NAME,
        "operator": settings.PORTAL_OPERATOR,
        "has_attachments": bool(message.attachments),
    }
    if message.channel == MessageChannel.SMS:
        text = render_to_string(f"notifications/sms/{message.template}.txt", context)
        return {"text": " ".join(text.split())}
    base = f"notifications/email/{message.template}"
    return {
        "subject": " ".join(render_to_string(f"{base}.subject.txt", context).split()),
        "text": render_to_string(f"{base}.txt", context),
        "html": render_to_string(f"{base}.html", context),
    }


def _requeue_at(moment: datetime.datetime) -> datetime.datetime:
    return moment + datetime.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER)


def _send(message: Message) -> None:
    rendered = message_render(message)
    if message.channel == MessageChannel.SMS:
        sms_send(to=message.recipient, text=rendered["text"])
        return
    email = EmailMultiAlternatives(
        subject=rendered["subject"],
        body=rendered["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        # The same on every attempt: a copy sent twice in SMTP's window is shown once.
        headers={"Message-ID": _message_id(message)},
    )
    email.attach_alternative(rendered["html"], "text/html")
    for spec in message.attachments:
        email.attach(*attachment_providers.resolve(spec))
    smtp.email_send(email)


def _message_id(message: Message) -> str:
    host = urlsplit(site_url()).hostname or "localhost"
    return f"<thongbao-{message.pk}.{message.created_at:%Y%m%d%H%M%S}@{host}>"
