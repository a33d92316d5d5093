"""The back-office: dossier queues and each dossier's page, in the Django admin.

Every list, page, action, export and file goes through `selectors.dossiers_visible(user)`, so an
officer never reaches another agency's dossier: a foreign id is a 404. The list's rows are written
by `rows`, its filters are in `filters`, the actions in `actions`, the dossier's pages in `pages`.
"""

import hashlib
import re

from django.contrib import admin
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.adminsafe import SafeParametersMixin
from core.converters import DossierCodeConverter
from dossiers import selectors
from dossiers.admin.actions import BulkActionsMixin
from dossiers.admin.filters import (
    NOT_COUNTED,
    CachedCountPaginator,
    QueueFilter,
    ScopedAgencyFilter,
)
from dossiers.admin.pages import DossierPagesMixin
from dossiers.admin.rows import ListRows
from dossiers.admin.walk_in import WalkInMixin
from dossiers.models import Dossier
from dossiers.validators import normalize_phone
from officers.constants import Role
from officers.selectors import user_roles

DOSSIER_CODE = re.compile(DossierCodeConverter.regex)


@admin.register(Dossier)
class DossierAdmin(
    SafeParametersMixin, BulkActionsMixin, WalkInMixin, DossierPagesMixin, admin.ModelAdmin
):
    list_display = [
        "code",
        "applicant_name",
        "procedure_name",
        "receiving_agency",
        "status_badge",
        "deadline_badge",
        "submitted_at",
        "holder",
    ]
    list_display_links = ["code"]
    list_select_related = ["procedure", "receiving_agency", "current_department", "assignee"]
    list_filter = [QueueFilter, "status", "channel", ScopedAgencyFilter, "submitted_at", "due_at"]
    search_fields = ["code", "applicant_name", "applicant_phone", "applicant_id_number"]
    search_help_text = gettext_lazy("Tìm theo mã hồ sơ, tên, số điện thoại hoặc số định danh.")
    show_full_result_count = False
    # The dossier page does not read the list's filters back: no "_changelist_filters" to add
    # to (and resolve for) every row's link.
    preserve_filters = False
    list_per_page = 50
    ordering = ["-submitted_at"]
    actions = ["bulk_accept", "bulk_assign_to_me"]

    # Everything changes through the workflow actions, never through a model form.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return bool(user_roles(request.user)) or super().has_view_permission(request, obj)

    def get_queryset(self, request):
        visible = selectors.dossiers_visible(request.user)
        return visible.select_related(*self.list_select_related).annotate(
            fee_payment=selectors.fee_payment_state()
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        queue = selectors.QUEUES_BY_SLUG.get(request.GET.get(QueueFilter.parameter_name))
        if queue is not None and queue.moves_with_clock:
            # A kept total could be behind the clock and cut the last page short.
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        shown = sorted(
            (name, value)
            for name, values in request.GET.lists()
            if name not in NOT_COUNTED
            for value in values
        )
        digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
        return CachedCountPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_key=f"{selectors.scope_version_key(request.user)}:list:{digest}",
        )

    def get_search_results(self, request, queryset, search_term):
        """A code, a mobile number or an ID number is found on its index; anything else is
        looked for in the applicant's name."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if DOSSIER_CODE.fullmatch(term):
            return queryset.filter(code=term.upper()), False
        digits = normalize_phone(term)
        if digits.isdigit() and len(digits) == 12:
            return queryset.filter(applicant_id_number=digits), False
        if digits.isdigit() and len(digits) == 10:
            return queryset.filter(applicant_phone=digits), False
        return queryset.filter(applicant_name__icontains=term), False

    def action_checkbox(self, obj):
        # The admin's own renders a CheckboxInput through the template engine, once per row.
        return mark_safe(ListRows(self).checkbox(obj))  # noqa: S308 (escaped by ListRows)

    @admin.display(description=gettext_lazy("thủ tục"), ordering="procedure__name")
    def procedure_name(self, dossier):
        return dossier.procedure.name[:60]

    @admin.display(description=gettext_lazy("trạng thái"), ordering="status")
    def status_badge(self, dossier):
        return mark_safe(ListRows(self).status(dossier))  # noqa: S308 (escaped by ListRows)

    @admin.display(description=gettext_lazy("hạn"), ordering="due_at")
    def deadline_badge(self, dossier):
        return mark_safe(ListRows(self).deadline(dossier))  # noqa: S308 (escaped by ListRows)

    @admin.display(description=gettext_lazy("đang giữ"))
    def holder(self, dossier):
        person = (
            dossier.assignee.get_full_name() or dossier.assignee.username
            if dossier.assignee
            else ""
        )
        unit = dossier.current_department.name if dossier.current_department else ""
        return " · ".join(part for part in [unit, person] if part)

    def result_rows(self, cl) -> list[list[str]] | None:
        """The list's rows, each one piece of HTML (see ListRows), or None for the generic ones."""
        if cl.formset or cl.is_popup or cl.list_display_links != ["code"]:
            return None
        rows = ListRows(self)
        cells = [getattr(rows, ListRows.CELLS.get(name, "-"), None) for name in cl.list_display]
        if None in cells:
            return None
        return [
            # Every value in a cell is escaped by ListRows.
            [mark_safe("".join([cell(dossier) for cell in cells]))]  # noqa: S308
            for dossier in cl.result_list
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "queues": selectors.dossier_queue_counts_cached(user=request.user),
            "can_receive_paper": Role.RECEIVING in user_roles(request.user),
        }
        return super().changelist_view(request, extra_context)
