"""Dossier codes: `{receiving agency code}-{yyMMdd}-{NNNN}`, counting per agency per day."""

import datetime

from django.db import connection, transaction

from procedures.models import Agency

# DossierSequence's next number, its row created on the day's first dossier: an upsert with
# RETURNING (PostgreSQL, SQLite 3.35+), for the ORM has no UPDATE … RETURNING.
NEXT_NUMBER = """
INSERT INTO dossiers_dossiersequence (agency_id, day, last) VALUES (%s, %s, 1)
ON CONFLICT (agency_id, day) DO UPDATE SET last = dossiers_dossiersequence.last + 1
RETURNING last
"""


def dossier_code_allocate(*, agency: Agency, day: datetime.date) -> str:
    """Return the next code of `agency` on `day`. Call inside the transaction that uses it.

    One statement creates the day's sequence row or counts on from it; the row is then locked
    until that transaction ends, so concurrent submissions to the same agency on the same day
    queue here and never share a number; a rolled-back submission gives its number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate dossier codes inside the transaction that uses them.")
    with connection.cursor() as cursor:
        cursor.execute(NEXT_NUMBER, [agency.pk, day])
        (number,) = cursor.fetchone()
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
