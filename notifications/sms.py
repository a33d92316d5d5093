"""SMS backends: how a text reaches a phone, chosen by settings.SMS_BACKEND (a dotted path).

A carrier's gateway (an SMS brandname contract) is plugged in by subclassing `BaseSmsBackend` and
raising on failure, so that the outbox records the error and retries.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Print each text to standard output."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS → {to}: {text}\n")
        sys.stdout.flush()


class FileBackend(BaseSmsBackend):
    """Append each text to a file per day under settings.SMS_FILE_PATH (the embedded default)."""

    def send(self, *, to: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        now = timezone.localtime()
        with open(folder / f"sms-{now:%Y%m%d}.log", "a", encoding="utf-8") as handle:
            handle.write(f"{now.isoformat()}\t{to}\t{text}\n")


outbox: list[dict[str, str]] = []


class LocmemBackend(BaseSmsBackend):
    """Keep each text in `notifications.sms.outbox`, for tests."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})


def sms_send(*, to: str, text: str) -> None:
    """Send one text through the configured backend; raise if it was not accepted."""
    import_string(settings.SMS_BACKEND)().send(to=to, text=text)
