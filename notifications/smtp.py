"""The SMTP connection of a sending thread, kept open between messages close together.

Connecting (TCP, EHLO, STARTTLS, AUTH) costs more than sending one message, so a worker
draining its queue sends on one connection. Other backends (files, memory) are used as is.
"""

import contextlib
import threading
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# SMTP servers close a connection idle for a minute or more (Postfix: 300 s): reuse it for less.
SMTP_REUSE_SECONDS = 30

_smtp = threading.local()


def email_send(email: EmailMessage) -> None:
    """Send through this thread's SMTP connection; on a failure close it, and raise."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        email.send()
        return
    key = (settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    connection = getattr(_smtp, "connection", None)
    if connection is not None and (
        _smtp.key != key or time.monotonic() - _smtp.used_at > SMTP_REUSE_SECONDS
    ):
        connection_close()
        connection = None
    if connection is None:
        connection = _smtp.connection = get_connection()
        _smtp.key = key
    try:
        connection.open()
        connection.send_messages([email])
    except Exception:
        connection_close()  # the next message starts on a new connection
        raise
    finally:
        _smtp.used_at = time.monotonic()


def connection_close() -> None:
    """Close this thread's SMTP connection, if it has one (a thread that ends must)."""
    connection = getattr(_smtp, "connection", None)
    _smtp.connection = None
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.close()
