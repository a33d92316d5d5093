import pytest

from notifications import sms
from tests.notifications.helpers import SmtpSink


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and the portal's SMTP backend pointed at it."""
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_TIMEOUT = 10
        yield sink


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
