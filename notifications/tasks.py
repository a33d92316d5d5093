from celery import shared_task
from django.conf import settings
from django.db import close_old_connections

from notifications import services
from notifications.constants import MessageState


def _drop_broken_connection(task) -> None:
    """Start like a request: a worker keeps its connection across tasks (CELERY_DB_REUSE_MAX)."""
    if not task.request.is_eager:  # in-process, the caller's connection is not ours to close
        close_old_connections()


@shared_task(bind=True, acks_late=True, ignore_result=True)
def message_send(self, message_id: int) -> str | None:
    """Send one outbox message, retrying with backoff. Safe to run twice: sent is sent once."""
    _drop_broken_connection(self)
    attempt = services.message_deliver(message_id=message_id)
    if (attempt is None or attempt.state == MessageState.SENT) and not self.request.is_eager:
        # Sent now, or by a drain before this task: the emails queued behind go now too.
        services.messages_drain(
            seconds=settings.NOTIFICATIONS_DRAIN_SECONDS,
            threads=settings.NOTIFICATIONS_DRAIN_THREADS,
        )
    if attempt is None:
        return None
    # In-process (no broker) a failure must not hold up the citizen's request: the message waits,
    # pending, for messages_requeue or the administrator's "Gửi lại".
    if attempt.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=attempt.retry_in, max_retries=None)
    return attempt.state


@shared_task(bind=True, ignore_result=True)
def messages_requeue(self) -> int:
    """Queue again the messages still pending past their time (celery beat, every minute)."""
    _drop_broken_connection(self)
    return services.messages_requeue()
