"""A send attempt stores the files it renders once per message: none when it fails, one when it
succeeds (dossiers.receipts, through the outbox's real failure path: a 451 from the SMTP server)."""

import os

import pytest
from django.conf import settings

from dossiers.models import Dossier
from dossiers.notify import dossier_notify
from notifications import services
from notifications.constants import MessageState
from notifications.models import Message
from tests.dossiers.factories import submitted

pytestmark = pytest.mark.django_db


def stored_files() -> list[str]:
    root = settings.MEDIA_ROOT / "receipts"
    return sorted(
        os.path.relpath(os.path.join(folder, file), settings.MEDIA_ROOT)
        for folder, _, files in os.walk(root)
        for file in files
    )


def test_a_failed_attempt_stores_nothing_and_the_retry_one_confirmation(
    smtp, catalogue, django_capture_on_commit_callbacks
):
    smtp.refuse["an.nguyen@example.vn"] = 2
    with django_capture_on_commit_callbacks(execute=True):  # the citizen's request commits
        dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    message = Message.objects.get(subject_id=dossier.pk)
    with django_capture_on_commit_callbacks(execute=True):  # a retry
        services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts, smtp.refused) == (MessageState.PENDING, 2, 2)
    assert stored_files() == []
    assert not Dossier.objects.get(pk=dossier.pk).confirmation

    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_deliver(message_id=message.pk).state == MessageState.SENT
    dossier.refresh_from_db()
    assert stored_files() == [dossier.confirmation.name]
    [email] = smtp.messages()
    [pdf] = [part for part in email.walk() if part.get_content_type() == "application/pdf"]
    with dossier.confirmation.open("rb") as handle:
        assert handle.read() == pdf.get_payload(decode=True)  # what the citizen got is kept

    # A second message about the dossier reads the stored copy: no other file.
    with django_capture_on_commit_callbacks(execute=True):
        dossier_notify(
            dossier=dossier,
            template="dossier_submitted",
            attachments=[{"provider": "dossier_confirmation", "id": dossier.pk}],
        )
    assert smtp.count == 2 and stored_files() == [dossier.confirmation.name]


def test_of_two_first_renders_one_is_stored(catalogue, django_capture_on_commit_callbacks):
    """Two processes rendering the first copy at once: the second to store deletes its own."""
    from dossiers import receipts

    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    first, second = Dossier.objects.get(pk=dossier.pk), Dossier.objects.get(pk=dossier.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        receipts.dossier_confirmation_pdf(dossier=first)
        receipts.dossier_confirmation_pdf(dossier=second)
    assert len(callbacks) == 2 and stored_files() == []
    for callback in callbacks:
        callback()
    assert stored_files() == [Dossier.objects.get(pk=dossier.pk).confirmation.name]
    assert first.confirmation.name == stored_files()[0]
