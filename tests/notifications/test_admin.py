"""The outbox in the admin: filters, a readable preview, "Gửi lại" reporting on each row."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from notifications.constants import MessageState
from notifications.models import Message

pytestmark = pytest.mark.django_db
URL = "/quan-tri/notifications/message/"
CONTEXT = {"code": "000.01.00.H26-261122-0001", "applicant_name": "Trần Thị Bình", "reason": "X"}


def outbox_row(recipient, state=MessageState.PENDING, **fields) -> Message:
    return Message.objects.create(
        recipient=recipient,
        template="dossier_stopped",
        context=CONTEXT,
        channel="email",
        state=state,
        **fields,
    )


def test_outbox_filters_by_state_and_channel(admin_client):
    outbox_row("failed@example.vn", MessageState.FAILED, last_error="SMTPDataError: (451, 'bận')")
    outbox_row("sent@example.vn", MessageState.SENT)
    response = admin_client.get(URL, {"state__exact": "failed", "channel__exact": "email"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "failed@example.vn" in body and "sent@example.vn" not in body
    assert "Gửi lại các thư chưa gửi được" in body


def test_message_page_shows_the_text_as_the_citizen_reads_it(admin_client):
    message = outbox_row("an@example.vn")
    body = admin_client.get(f"{URL}{message.pk}/change/").content.decode()
    assert "Kính gửi ông/bà Trần Thị Bình," in body and CONTEXT["code"] in body


@pytest.mark.django_db(transaction=True)  # committed, so that the report sees what was sent
def test_resend_reports_each_row(admin_client):
    failed = outbox_row("a@example.vn", MessageState.FAILED, attempts=8, last_error="timeout")
    sent = outbox_row("b@example.vn", MessageState.SENT, attempts=1)
    response = admin_client.post(
        URL, {"action": "resend", "_selected_action": [failed.pk, sent.pk]}
    )
    assert response.status_code == 302
    reports = [str(report) for report in get_messages(response.wsgi_request)]
    assert reports == [
        f"Đã gửi lại thư #{failed.pk} tới a@example.vn.",
        f"Thư #{sent.pk} tới b@example.vn đã gửi trước đó.",
    ]
    assert [email.to for email in mail.outbox] == [["a@example.vn"]]
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (MessageState.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_resend_reports_what_failed_again(admin_client, settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    again = outbox_row("c@example.vn", MessageState.FAILED, attempts=8)
    response = admin_client.post(URL, {"action": "resend", "_selected_action": [again.pk]})
    [report] = [str(report) for report in get_messages(response.wsgi_request)]
    assert report.startswith(f"Thư #{again.pk} tới c@example.vn chưa gửi được: ConnectionRefused")
    again.refresh_from_db()
    assert (again.state, again.attempts) == (MessageState.PENDING, 1)
