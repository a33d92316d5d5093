"""The back-office: dossier queues and each dossier's page, in the Django admin.

Every list, page, action, export and file goes through `selectors.dossiers_visible(user)`, so an
officer never reaches another agency's dossier: a foreign id is a 404.
"""

import hashlib
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import admin_forms, selectors, services, slips, workflow
from dossiers.access import attachment_response
from dossiers.constants import DossierStatus
from dossiers.constants import EventAction as A
from dossiers.display import declaration_rows
from dossiers.models import Dossier
from dossiers.validators import normalize_phone
from officers.selectors import agencies_visible, user_roles
from portal.converters import DossierCodeConverter
from procedures.constants import AgencyTier

DOSSIER_CODE = re.compile(DossierCodeConverter.regex)
DEADLINE_BADGES = {
    "overdue": ("danger", gettext_lazy("Quá hạn")),
    "due_soon": ("warning", gettext_lazy("Sắp đến hạn")),
    "on_time": ("success", gettext_lazy("Trong hạn")),
}
STATUS_LABELS = dict(DossierStatus.choices)
# Query parameters that change neither which dossiers a list shows nor how many.
NOT_COUNTED = {"p", "o"}


class CachedCountPaginator(Paginator):
    """Pages whose total is kept like the queue counts: counting the rows of a queue or of the
    whole list costs more SQL than reading the page itself."""

    def __init__(self, *args, count_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return cache.get_or_set(self.count_key, self.object_list.count, selectors.COUNTS_SECONDS)


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("hàng đợi")
    parameter_name = "hang_doi"

    def lookups(self, request, model_admin):
        return [(queue.slug, queue.label) for queue in selectors.QUEUES]

    def queryset(self, request, queryset):
        if self.value() not in selectors.QUEUES_BY_SLUG:
            return queryset
        return queryset.filter(
            selectors.queue_condition(self.value(), user=request.user, now=timezone.now())
        )


class ScopedAgencyFilter(admin.SimpleListFilter):
    title = gettext_lazy("cơ quan tiếp nhận")
    parameter_name = "co_quan"

    def lookups(self, request, model_admin):
        agencies = agencies_visible(request.user).exclude(tier=AgencyTier.DEPARTMENT)
        return [(agency.code, agency.name) for agency in agencies.order_by("name")[:200]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(receiving_agency__code=self.value())
        return queryset


ACTION_PARAMETERS = {
    A.REFUSE: lambda data: {"reason": data["note"]},
    A.REQUEST_SUPPLEMENT: lambda data: {
        "documents": data["document_list"],
        "reason": data["note"],
    },
    A.SUPPLEMENT: lambda data: {"note": data["note"], "files": data["files"]},
    A.FORWARD: lambda data: {
        "department": data["department"],
        "assignee": data["assignee"],
        "note": data["note"],
    },
    A.STOP: lambda data: {"reason": data["note"]},
    A.RESOLVE: lambda data: {"result_file": data["result"], "note": data["note"]},
    A.RETURN_RESULT: lambda data: {"via": data["via"], "note": data["note"]},
    A.RESET_DEADLINE: lambda data: {"new_due_at": data["new_due_at"], "reason": data["note"]},
    A.APOLOGIZE: lambda data: {"new_due_at": data["new_due_at"], "reason": data["note"]},
    A.ASSIGN: lambda data: {"assignee": data["assignee"]},
}
SERVICES = {
    A.ACCEPT: services.dossier_accept,
    A.REFUSE: services.dossier_refuse,
    A.REQUEST_SUPPLEMENT: services.dossier_request_supplement,
    A.SUPPLEMENT: services.dossier_receive_supplement,
    A.FORWARD: services.dossier_forward,
    A.RETURN_PREVIOUS: services.dossier_return_previous,
    A.REQUEST_FEE: services.dossier_request_fee,
    A.CONFIRM_FEE: services.dossier_confirm_fee,
    A.STOP: services.dossier_stop,
    A.RESOLVE: services.dossier_resolve,
    A.RETURN_RESULT: services.dossier_return_result,
    A.RESET_DEADLINE: services.dossier_reset_deadline,
    A.APOLOGIZE: services.dossier_apologize,
    A.ASSIGN: services.dossier_assign,
}


def perform(action: str, *, dossier_id: int, user, data: dict):
    """Call the service of `action` with the cleaned data of its form."""
    parameters = ACTION_PARAMETERS.get(action, lambda d: {"note": d["note"]})(data)
    return SERVICES[action](dossier_id=dossier_id, actor=user, **parameters)


class RegisterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Định dạng"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise ValidationError(_("“Từ ngày” phải trước “Đến ngày”."))
        return cleaned


class ListRows:
    """Writes the dossier list's rows, the markup of the admin's generic `items_for_result`
    (a test compares them), with what is the same for every row worked out once.

    The generic rows look each column up by name and format, escape and wrap each value through
    lazy-aware helpers, cell by cell: with 50 rows that cost as much CPU as the page's SQL.
    Every value written here goes through `escape`.
    """

    # list_display name -> the method writing its cell
    CELLS = {
        "action_checkbox": "checkbox_cell",
        "code": "code_cell",
        "applicant_name": "applicant_name_cell",
        "procedure_name": "procedure_name_cell",
        "receiving_agency": "receiving_agency_cell",
        "status_badge": "status_cell",
        "deadline_badge": "deadline_cell",
        "submitted_at": "submitted_at_cell",
        "holder": "holder_cell",
    }

    def __init__(self, model_admin, *, now=None):
        self.model_admin = model_admin
        self.now = now or timezone.now()
        self.soon = selectors.due_soon_limit(self.now)
        self.change_url = reverse("admin:dossiers_dossier_changelist") + "{}/change/"
        self.empty = str(model_admin.get_empty_value_display())
        self.select_label = _("Chọn hồ sơ %(code)s")
        self.datetime_format = get_format("DATETIME_FORMAT")
        self.statuses = {
            value: f'<span class="status status-{value}">{escape(label)}</span>'
            for value, label in DossierStatus.choices
        }
        self.deadlines = {
            state: f'<span class="deadline deadline-{kind}">{escape(label)}</span> '
            for state, (kind, label) in DEADLINE_BADGES.items()
        }

    def _or_empty(self, text) -> str:
        return escape(text) if text else self.empty

    def checkbox(self, dossier) -> str:
        label = escape(self.select_label % {"code": dossier.code})
        return (
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{dossier.pk}" '
            f'class="action-select" aria-label="{label}">'
        )

    def status(self, dossier) -> str:
        return self.statuses.get(dossier.status) or escape(dossier.status)

    def deadline(self, dossier) -> str:
        if dossier.due_at is None:
            return ""
        due = timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y")
        state = selectors.deadline_state(dossier, now=self.now, soon=self.soon)
        return self.deadlines[state] + due if state else due

    def checkbox_cell(self, dossier) -> str:
        return f'<td class="action-checkbox">{self.checkbox(dossier)}</td>'

    def code_cell(self, dossier) -> str:
        url = self.change_url.format(dossier.pk)
        return f'<th class="field-code"><a href="{url}">{escape(dossier.code)}</a></th>'

    def applicant_name_cell(self, dossier) -> str:
        return f'<td class="field-applicant_name">{self._or_empty(dossier.applicant_name)}</td>'

    def procedure_name_cell(self, dossier) -> str:
        name = self._or_empty(self.model_admin.procedure_name(dossier))
        return f'<td class="field-procedure_name">{name}</td>'

    def receiving_agency_cell(self, dossier) -> str:
        return f'<td class="field-receiving_agency nowrap">{escape(dossier.receiving_agency)}</td>'

    def status_cell(self, dossier) -> str:
        return f'<td class="field-status_badge">{self.status(dossier)}</td>'

    def deadline_cell(self, dossier) -> str:
        return f'<td class="field-deadline_badge">{self.deadline(dossier) or self.empty}</td>'

    def submitted_at_cell(self, dossier) -> str:
        # What the generic rows write (formats.localize), without looking the format up each time.
        when = dateformat.format(timezone.localtime(dossier.submitted_at), self.datetime_format)
        return f'<td class="field-submitted_at nowrap">{escape(when)}</td>'

    def holder_cell(self, dossier) -> str:
        return f'<td class="field-holder">{self._or_empty(self.model_admin.holder(dossier))}</td>'


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
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
        return selectors.dossiers_visible(request.user).select_related(*self.list_select_related)

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
        }
        return super().changelist_view(request, extra_context)

    # --- Bulk actions: only where they are safe, reporting per row --------------------------

    def _bulk(self, request, queryset, action):
        done, refused = [], []
        for pk, code in queryset.values_list("pk", "code"):
            try:
                perform(
                    action,
                    dossier_id=pk,
                    user=request.user,
                    data=self._bulk_data(request, action),
                )
                done.append(code)
            except ValidationError as error:
                refused.append(f"{code}: {' '.join(error.messages)}")
        if done:
            self.message_user(
                request,
                _("Đã %(action)s %(count)s hồ sơ: %(codes)s")
                % {"action": A(action).label.lower(), "count": len(done), "codes": ", ".join(done)},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    def _bulk_data(self, request, action):
        return {"note": "", "assignee": request.user}

    @admin.action(description=gettext_lazy("Tiếp nhận các hồ sơ đã chọn"))
    def bulk_accept(self, request, queryset):
        self._bulk(request, queryset, A.ACCEPT)

    @admin.action(description=gettext_lazy("Giao các hồ sơ đã chọn cho tôi"))
    def bulk_assign_to_me(self, request, queryset):
        self._bulk(request, queryset, A.ASSIGN)

    # --- The dossier's page and its actions -------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("so-theo-doi/", view(self.register_view), name="dossiers_dossier_register"),
            path(
                "<int:pk>/thao-tac/<slug:action>/",
                view(self.action_view),
                name="dossiers_dossier_action",
            ),
            path("<int:pk>/ghi-chu/", view(self.note_view), name="dossiers_dossier_note"),
            path(
                "<int:pk>/tep/<int:document_pk>/",
                view(self.file_view),
                name="dossiers_dossier_file",
            ),
            path("<int:pk>/ket-qua/", view(self.result_view), name="dossiers_dossier_result"),
            path(
                "<int:pk>/phieu/<slug:kind>.pdf",
                view(self.slip_view),
                name="dossiers_dossier_slip",
            ),
            *super().get_urls(),
        ]

    def _dossier(self, request, pk):
        dossier = selectors.dossier_for_officer(user=request.user, pk=pk)
        if dossier is None:
            raise Http404
        return dossier

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not object_id.isdigit():
            raise Http404
        dossier = self._dossier(request, int(object_id))
        now = timezone.now()
        roles = user_roles(request.user)
        actions = [
            (action, A(action).label)
            for action in workflow.OFFICER_ACTIONS
            if workflow.is_allowed(action, status=dossier.status, roles=roles)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Hồ sơ %(code)s") % {"code": dossier.code},
            "dossier": dossier,
            "actions": actions,
            "deadline": selectors.deadline_state(dossier, now=now),
            "deadline_badges": DEADLINE_BADGES,
            "declaration": declaration_rows(
                dossier.procedure.form_fields.all(), dossier.declaration
            ),
            "messages_sent": dossier.messages.order_by("created_at"),
            "has_refusal": any(e.action == A.REFUSE for e in dossier.events.all()),
            "has_apology": any(e.action == A.APOLOGIZE for e in dossier.events.all()),
            "note_form": forms.Form(),
        }
        return TemplateResponse(request, "admin/dossiers/dossier/detail.html", context)

    def action_view(self, request, pk, action):
        if action not in workflow.OFFICER_ACTIONS:
            raise Http404
        dossier = self._dossier(request, pk)
        if not workflow.is_allowed(action, status=dossier.status, roles=user_roles(request.user)):
            messages.error(
                request,
                _(
                    "Không thể “%(action)s” hồ sơ ở trạng thái hiện tại, hoặc vai trò của bạn "
                    "không được phép."
                )
                % {"action": A(action).label},
            )
            return redirect(self._detail_url(dossier))
        form_class = admin_forms.FORMS[action]
        bound = (request.POST, request.FILES) if request.method == "POST" else ()
        form = form_class(*bound, dossier=dossier, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                perform(action, dossier_id=dossier.pk, user=request.user, data=form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Đã thực hiện “%(action)s” cho hồ sơ %(code)s.")
                    % {"action": A(action).label, "code": dossier.code},
                )
                return redirect(self._detail_url(dossier))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("%(action)s · hồ sơ %(code)s")
            % {"action": A(action).label, "code": dossier.code},
            "dossier": dossier,
            "action": action,
            "action_label": A(action).label,
            "form": form,
        }
        return TemplateResponse(
            request,
            "admin/dossiers/dossier/action.html",
            context,
            status=400 if form.errors else 200,
        )

    def note_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        dossier = self._dossier(request, pk)
        try:
            services.dossier_note_add(
                dossier_id=dossier.pk, actor=request.user, text=request.POST.get("text", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self._detail_url(dossier) + "#ghi-chu")

    def file_view(self, request, pk, document_pk):
        return attachment_response(self._dossier(request, pk), document_pk)

    def result_view(self, request, pk):
        dossier = self._dossier(request, pk)
        if not dossier.result_file:
            raise Http404
        return FileResponse(dossier.result_file.open("rb"), filename=f"ket-qua-{dossier.code}.pdf")

    def slip_view(self, request, pk, kind):
        dossier = self._dossier(request, pk)
        events = list(dossier.events.all())
        if kind == "mau-02" and dossier.supplements.all():
            pdf = slips.supplement_slip(dossier.supplements.all()[0])
        elif kind == "mau-03" and any(e.action == A.REFUSE for e in events):
            pdf = slips.refusal_slip([e for e in events if e.action == A.REFUSE][-1])
        elif kind == "mau-04" and any(e.action == A.APOLOGIZE for e in events):
            pdf = slips.apology_slip([e for e in events if e.action == A.APOLOGIZE][-1])
        elif kind == "mau-05":
            pdf = slips.control_slip(dossier)
        else:
            raise Http404
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{kind}-{dossier.code}.pdf"'
        return response

    def register_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RegisterForm(request.GET or None)
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            dossiers = (
                selectors.dossiers_visible(request.user)
                .filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
                .select_related("procedure")
                .order_by("submitted_at")
            )
            dossiers = selectors.with_receiving_officer(dossiers)
            name = f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}"
            if form.cleaned_data["format"] == "csv":
                response = HttpResponse(
                    slips.register_csv(dossiers), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            else:
                response = HttpResponse(
                    slips.register_xlsx(dossiers, start=start, end=end),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        if not form.is_bound:
            today = timezone.localdate()
            form = RegisterForm(
                initial={"start": today.replace(day=1), "end": today, "format": "xlsx"}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Sổ theo dõi hồ sơ (Mẫu 06)"),
            "form": form,
        }
        return TemplateResponse(request, "admin/dossiers/dossier/register.html", context)

    def _detail_url(self, dossier):
        return reverse("admin:dossiers_dossier_change", args=[dossier.pk])
