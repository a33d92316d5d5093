from celery import shared_task

from core.ratelimits import rate_counts_purge


@shared_task
def rate_counts_purge_expired() -> int:
    """Delete the rate-limit counters whose window has ended (celery beat, hourly)."""
    return rate_counts_purge()
