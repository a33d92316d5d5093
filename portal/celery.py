"""The Celery app. Broker and behaviour come from Django settings (CELERY_*)."""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# A pool process must tell the pool it is up within worker_proc_alive_timeout (4 s by default) of
# its start, or it is killed: a warm-up there (1.3 s, many more under load) made new processes miss
# it, in a crash loop after a broker reconnect. They prepare before their first task instead, in
# the thread that runs the tasks (WeasyPrint's fonts are per thread), the pool long up.
_unprepared = False


@signals.worker_process_init.connect
def prepare_worker_process(**kwargs):
    """Mark this pool process to prepare itself before its first task."""
    global _unprepared
    _unprepared = True


@signals.task_prerun.connect
def prepare_before_first_task(**kwargs):
    """The first task of a pool process prepares it (dossiers.workers.prepare), once."""
    global _unprepared
    if _unprepared:
        _unprepared = False
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
    # Sessions past their age: nothing else deletes their rows (core.sessions, database).
    "sessions-purge-expired": {
        "task": "core.tasks.sessions_purge_expired",
        "schedule": crontab(hour=3, minute=47),
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
    # Orders whose IPN never came (payments.reconcile).
    "payments-reconcile": {
        "task": "payments.tasks.payments_reconcile",
        "schedule": crontab(),
    },
    # Dossiers whose paid fee's after-commit resumption failed (dossiers.services.fees).
    "dossiers-resume-paid": {
        "task": "dossiers.tasks.dossiers_resume_paid",
        "schedule": crontab(minute="*/5"),
    },
    # Messages the broker never got (down at commit) or a worker lost (killed mid-send).
    "notifications-requeue": {
        "task": "notifications.tasks.messages_requeue",
        "schedule": crontab(),
    },
}
