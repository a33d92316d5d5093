from celery import shared_task

from notifications import services


@shared_task(bind=True, acks_late=True, ignore_result=True)
def message_send(self, message_id: int) -> str | None:
    """Send one outbox message, retrying with backoff. Safe to run twice: sent is sent once."""
    attempt = services.message_deliver(message_id=message_id)
    if attempt is None:
        return None
    # In-process (no broker) a failure must not hold up the citizen's request: the message waits,
    # pending, for messages_requeue or the administrator's "Gửi lại".
    if attempt.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=attempt.retry_in, max_retries=None)
    return attempt.state


@shared_task(ignore_result=True)
def messages_requeue() -> int:
    """Queue again the messages still pending past their time (celery beat, every minute)."""
    return services.messages_requeue()
