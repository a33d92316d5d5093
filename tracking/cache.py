"""The lookup's progress page shows nothing personal, so every visitor sees it alike: it is kept in
the page cache (portal/pagecache.py) by dossier code and forgotten when the dossier changes.

It is kept in the shared cache only (so every worker shows a change at once), for
LOOKUP_CACHE_SECONDS, or until the due time while the clock runs, when the "Trong hạn" badge
turns "Quá hạn".
"""

import hashlib
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import pagecache
from dossiers import timeliness


def progress_key(code: str, language: str) -> str:
    digest = hashlib.blake2b(code.encode(), digest_size=16).hexdigest()
    return f"lookup:{pagecache.catalogue_version()}:{language}:{digest}"


def fresh_for(dossier, *, now=None) -> int:
    """Seconds the progress page of `dossier` stays true if nothing happens to the dossier: no
    later than the due time while the clock still runs (dossiers.timeliness turns "overdue")."""
    now = now or timezone.now()
    seconds = settings.LOOKUP_CACHE_SECONDS
    if timeliness.judge(dossier, now=now) in (timeliness.IN_TIME, timeliness.DUE_SOON):
        seconds = min(seconds, math.ceil((dossier.due_at - now).total_seconds()))
    return seconds


def progress_forget(code: str) -> None:
    pagecache.forget(*(progress_key(code, language) for language, _ in settings.LANGUAGES))


def dossier_saved(sender, instance, created=False, **kwargs) -> None:
    """post_save of Dossier: forget its page once the change is committed (a new dossier has
    none yet: "not found" pages are not kept)."""
    if created:
        return
    code = instance.code
    transaction.on_commit(lambda: progress_forget(code), robust=True)  # the change is saved
