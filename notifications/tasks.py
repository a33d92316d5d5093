from celery import shared_task

from notifications import services


@shared_task(acks_late=True)
def message_send(message_id: int) -> bool:
    """Send one outbox message. Safe to run twice: a sent message is not sent again."""
    return services.message_deliver(message_id=message_id)
