"""Which access records an officer may read."""

from django.db.models import QuerySet

from audit.models import AccessRecord
from officers.selectors import agencies_visible


def access_records_visible(user, records: QuerySet[AccessRecord] | None = None):
    """Return the records about the agencies in `user`'s scope (their agencies and the units
    below); the superuser's: all, including exports by accounts attached to no agency."""
    records = AccessRecord.objects.all() if records is None else records
    if user.is_superuser:
        return records
    return records.filter(agency__in=agencies_visible(user).values("pk"))
