"""Which access records an officer may read."""

from django.db.models import Q, QuerySet

from audit.models import AccessRecord
from officers.selectors import agencies_visible


def access_records_visible(user, records: QuerySet[AccessRecord] | None = None):
    """Return the records about the agencies in `user`'s scope (their agencies and the units
    below), as receiving or as resolving agency: whoever may open a dossier reads who else
    opened it. The superuser's: all, including exports by accounts attached to no agency."""
    records = AccessRecord.objects.all() if records is None else records
    if user.is_superuser:
        return records
    scope = agencies_visible(user).values("pk")
    return records.filter(Q(agency__in=scope) | Q(resolving_agency__in=scope))
