"""The outbox: queue messages inside the causing transaction, send them after it commits."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications import attachments as attachment_providers
from notifications.constants import MessageChannel, MessageState
from notifications.models import Message


def message_queue(
    *,
    channel: str = MessageChannel.EMAIL,
    recipient: str,
    template: str,
    context: dict,
    dossier=None,
    event=None,
    attachments: list[dict] | None = None,
) -> Message:
    """Write a message to the outbox and send it once the current transaction commits."""
    from notifications.tasks import message_send

    message = Message.objects.create(
        channel=channel,
        recipient=recipient,
        template=template,
        context=context,
        dossier=dossier,
        event=event,
        attachments=attachments or [],
    )
    transaction.on_commit(lambda: message_send.delay(message.pk))
    return message


def message_render(message: Message) -> dict[str, str]:
    """Return the subject, text and HTML of an email message from its templates."""
    context = {
        **message.context,
        "site_url": settings.SITE_URL,
        "portal_name": settings.PORTAL_NAME,
        "operator": settings.PORTAL_OPERATOR,
    }
    base = f"notifications/email/{message.template}"
    return {
        "subject": " ".join(render_to_string(f"{base}.subject.txt", context).split()),
        "text": render_to_string(f"{base}.txt", context),
        "html": render_to_string(f"{base}.html", context),
    }


def message_deliver(*, message_id: int) -> bool:
    """Send one message unless it was already sent; return whether this call sent it.

    The row stays locked while sending, so two workers given the same message never both send it.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state == MessageState.SENT:
            return False
        message.attempts += 1
        try:
            _send(message)
        except Exception as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.save(update_fields=["attempts", "last_error"])
            raise
        message.state = MessageState.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return True


def _send(message: Message) -> None:
    if message.channel != MessageChannel.EMAIL:
        raise NotImplementedError(message.channel)
    rendered = message_render(message)
    email = EmailMultiAlternatives(
        subject=rendered["subject"],
        body=rendered["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
    )
    email.attach_alternative(rendered["html"], "text/html")
    for spec in message.attachments:
        email.attach(*attachment_providers.resolve(spec))
    email.send()
