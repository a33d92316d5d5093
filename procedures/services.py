"""Writes and derived artefacts of the catalogue."""

from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from procedures.models import Agency, Procedure, RequiredDocument


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


def required_documents_check(*, documents: Iterable[RequiredDocument]) -> None:
    """Refuse alternative groups that cannot be read one way: every group names at least two
    documents, and its documents are all required or all optional (the group is one item of
    the dossier, required or not). Raise a ValidationError listing every problem."""
    groups: dict[int, list[RequiredDocument]] = defaultdict(list)
    for document in documents:
        if document.alternative_group is not None:
            groups[document.alternative_group].append(document)
    errors = []
    for group, members in sorted(groups.items()):
        if len(members) < 2:
            errors.append(
                ValidationError(
                    _(
                        "Nhóm thay thế %(group)s chỉ có một giấy tờ (“%(name)s”): một nhóm gồm "
                        "ít nhất hai giấy tờ thay thế được cho nhau."
                    ),
                    code="alternative_alone",
                    params={"group": group, "name": members[0].name},
                )
            )
        elif len({member.is_required for member in members}) > 1:
            errors.append(
                ValidationError(
                    _(
                        "Các giấy tờ của nhóm thay thế %(group)s phải cùng bắt buộc hoặc cùng "
                        "không bắt buộc."
                    ),
                    code="alternative_required_mixed",
                    params={"group": group},
                )
            )
    if errors:
        raise ValidationError(errors)


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
