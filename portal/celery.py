"""The Celery app. Broker and behaviour come from Django settings (CELERY_*)."""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_process_init.connect
def prepare_worker_process(**kwargs):
    """Each pool process renders the confirmation emails' receipts (dossiers.workers.prepare)."""
    from dossiers.workers import prepare

    prepare()


app.conf.beat_schedule = {
    "drafts-purge-expired": {
        "task": "dossiers.tasks.drafts_purge_expired",
        "schedule": crontab(minute=17),
    },
    # The captcha field does not purge on every check (dossiers.forms.PurgedCaptchaField).
    "rate-counts-purge-expired": {
        "task": "core.tasks.rate_counts_purge_expired",
        "schedule": crontab(minute=41),
    },
    # Files a killed worker or a rolled-back transaction left behind (core.storedfiles).
    "stored-files-purge": {
        "task": "core.tasks.stored_files_purge",
        "schedule": crontab(hour=3, minute=23),
    },
    "captchas-purge-expired": {
        "task": "dossiers.tasks.captchas_purge_expired",
        "schedule": crontab(minute="*/5"),
    },
    "stats-refresh-recent": {
        "task": "stats.tasks.stats_refresh_recent",
        "schedule": crontab(minute="*/15"),
    },
    "procedures-refresh-usage": {
        "task": "dossiers.tasks.procedures_refresh_usage",
        "schedule": crontab(hour=2, minute=30),
    },
    # Messages the broker never got (down at commit) or a worker lost (killed mid-send).
    "notifications-requeue": {
        "task": "notifications.tasks.messages_requeue",
        "schedule": crontab(),
    },
}
