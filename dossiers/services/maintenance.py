"""Periodic upkeep (celery beat): procedure usage counts, expired drafts."""

import datetime
import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dossiers.models import Dossier, Draft, DraftFile
from procedures.models import Procedure

logger = logging.getLogger(__name__)


def procedures_refresh_usage(*, days: int = 365) -> int:
    """Set each procedure's usage count to its dossiers of the last `days` days; return changes.

    Counted in the background rather than on every submission, so that submissions of a popular
    procedure do not queue on one procedure row.
    """
    since = timezone.now() - datetime.timedelta(days=days)
    counts = dict(
        Dossier.objects.filter(submitted_at__gte=since)
        .values_list("procedure")
        .annotate(n=Count("pk"))
    )
    changed = []
    for procedure in Procedure.objects.only("pk", "usage_count").iterator():
        count = counts.get(procedure.pk, 0)
        if procedure.usage_count != count:
            procedure.usage_count = count
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["usage_count"], batch_size=500)
    return len(changed)


def drafts_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete expired drafts and the files nobody submitted; return how many drafts went."""
    now = now or timezone.now()
    expired = Draft.objects.filter(expires_at__lt=now)
    with transaction.atomic():
        names = list(DraftFile.objects.filter(draft__in=expired).values_list("file", flat=True))
        _, deleted = expired.delete()
        count = deleted.get(Draft._meta.label, 0)
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    logger.info("Purged %s expired drafts and %s files", count, len(names))
    return count
