from celery import shared_task

from core.ratelimits import rate_counts_purge
from core.storedfiles import stored_files_purge_orphans


@shared_task
def rate_counts_purge_expired() -> int:
    """Delete the rate-limit counters whose window has ended (celery beat, hourly)."""
    return rate_counts_purge()


@shared_task(ignore_result=True)
def stored_files_purge() -> int:
    """Delete the stored files no row refers to, a day old or more (celery beat, daily).

    Safe to run twice, or in two workers at once: a file is either referenced, or deleted.
    """
    return len(stored_files_purge_orphans())


@shared_task(ignore_result=True)
def sessions_purge_expired() -> None:
    """Delete the browser sessions past their expiry (celery beat, daily): Django's
    `clearsessions`, which the session engine in use answers."""
    from django.core.management import call_command

    call_command("clearsessions")
