from celery import shared_task

from stats import services


@shared_task
def stats_refresh_recent() -> None:
    """Recompute this month's and last month's figures (celery beat, every 15 minutes, as
    settings.STATS_REFRESH_SECONDS; the page recomputes them too when they are older)."""
    services.stats_refresh_recent()


@shared_task
def stats_refresh_stale(months: list[str]) -> None:
    """Recompute the months a statistics page found stale (stats.pagecache), then release its
    lock."""
    services.stats_refresh_months(months)
