"""Dossier codes: `{receiving agency code}-{yyMMdd}-{NNNN}`, counting per agency per day."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from dossiers.models import DossierSequence
from procedures.models import Agency


def dossier_code_allocate(*, agency: Agency, day: datetime.date) -> str:
    """Return the next code of `agency` on `day`. Call inside the transaction that uses it.

    The sequence row is locked until that transaction ends, so concurrent submissions to the same
    agency on the same day queue here and never share a number; a rolled-back submission gives
    its number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate dossier codes inside the transaction that uses them.")
    updated = DossierSequence.objects.filter(agency=agency, day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                DossierSequence.objects.create(agency=agency, day=day, last=1)
        except IntegrityError:
            # Another transaction created the day's row first: take the next number after it.
            DossierSequence.objects.filter(agency=agency, day=day).update(last=F("last") + 1)
    number = DossierSequence.objects.get(agency=agency, day=day).last
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
