"""Writes and derived artefacts of the catalogue."""

from django.core.cache import cache
from django.db import transaction

from core.pdf import render_pdf
from procedures.models import Agency, Procedure


@transaction.atomic
def agency_save(*, agency: Agency) -> Agency:
    """Save `agency` and refresh the derived path and province of its whole subtree, together:
    a failure half-way leaves no unit with the path of a tree that no longer exists."""
    agency.full_clean()
    agency.save()
    stack = list(agency.children.all())
    while stack:
        child = stack.pop()
        child.save(update_fields=["path", "province"])
        stack.extend(child.children.all())
    return agency


def procedure_blank_form_pdf(*, procedure: Procedure) -> bytes:
    """Return the blank declaration of `procedure` as a PDF, rendered once per version."""
    key = f"blank-form:{procedure.code}:{procedure.updated_at.timestamp()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(
            "procedures/blank_form.html",
            {"procedure": procedure, "fields": procedure.form_fields.all()},
        )
        cache.set(key, pdf, timeout=24 * 3600)
    return pdf
