import pytest

from notifications import sms
from tests.notifications.helpers import SmtpSink


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Run tasks in-process after commit even when REDIS_URL is set, as the embedded default does.

    test_worker.py overrides this to publish to a real broker and worker.
    """
    from portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


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
