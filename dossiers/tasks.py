import datetime

from captcha.models import CaptchaStore
from celery import shared_task

from dossiers import deadlines, services


@shared_task
def drafts_purge_expired() -> int:
    """Delete abandoned drafts and their files (celery beat, hourly)."""
    return services.drafts_purge_expired()


@shared_task
def procedures_refresh_usage() -> int:
    """Recount each procedure's dossiers of the last year for "most used" (celery beat, nightly)."""
    return services.procedures_refresh_usage()


@shared_task
def dossiers_resume_paid() -> int:
    """Resume the dossiers whose fee the gateway confirmed but whose resumption was lost (celery
    beat, every 5 minutes)."""
    return services.dossiers_resume_paid()


@shared_task
def captchas_purge_expired() -> None:
    """Delete expired captcha challenges (celery beat), which the captcha field leaves behind."""
    CaptchaStore.remove_expired()


@shared_task
def dossiers_recompute_due(province_id: int, days: list[str]) -> int:
    """Move the deadlines a province's calendar correction touches (ISO dates in `days`)."""
    return deadlines.dossiers_recompute_due(
        province_id=province_id, days=[datetime.date.fromisoformat(day) for day in days]
    )
