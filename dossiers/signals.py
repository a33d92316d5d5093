"""Receivers that keep cached back-office counts in step with the dossiers."""

from django.db import transaction

from dossiers import selectors
from dossiers.tasks import dossiers_recompute_due


def dossier_changed(sender, instance, using=None, **kwargs) -> None:
    """A dossier was saved or deleted: its agency's counts get a new version after commit.

    Every workflow action saves the dossier (services._record), and so does the intake wizard's
    submission, so this one receiver covers them all. After commit, not now: a request counting
    before the commit would otherwise keep the old counts under the new version. Robust: the
    dossier is saved whatever happens to a cache afterwards (issue 17; core.cache does not raise
    on an outage, this is for anything else).
    """
    agency_ids = [instance.receiving_agency_id]
    if instance.resolving_agency_id is not None:  # its officers count it too (liên thông)
        agency_ids.append(instance.resolving_agency_id)
    transaction.on_commit(lambda: selectors.dossiers_changed(*agency_ids), using=using, robust=True)


def calendar_changed(sender, province_id: int, days, **kwargs) -> None:
    """calendars.services.calendar_changed: recompute the deadlines the days touch, after commit
    (a task: a correction may touch thousands of dossiers)."""
    transaction.on_commit(
        lambda: dossiers_recompute_due.delay(province_id, [day.isoformat() for day in days]),
        robust=True,  # a broker outage must not fail the saved correction (logged; save again)
    )
