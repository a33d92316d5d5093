"""The back-office: dossier queues and each dossier's page, in the Django admin.

Every list, page, action, export and file goes through `selectors.dossiers_visible(user)`, so an
officer never reaches another agency's dossier: a foreign id is a 404.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import admin_forms, selectors, services, slips, workflow
from dossiers.access import attachment_response
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

    @admin.display(description=gettext_lazy("thủ tục"), ordering="procedure__name")
    def procedure_name(self, dossier):
        return dossier.procedure.name[:60]

    @admin.display(description=gettext_lazy("trạng thái"), ordering="status")
    def status_badge(self, dossier):
        return format_html(
            '<span class="status status-{}">{}</span>', dossier.status, dossier.get_status_display()
        )

    @admin.display(description=gettext_lazy("hạn"), ordering="due_at")
    def deadline_badge(self, dossier):
        state = selectors.deadline_state(dossier, now=timezone.now())
        due = (
            timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") if dossier.due_at else ""
        )
        if not state:
            return due
        kind, label = DEADLINE_BADGES[state]
        return format_html('<span class="deadline deadline-{}">{}</span> {}', kind, label, due)

    @admin.display(description=gettext_lazy("đang giữ"))
    def holder(self, dossier):
        person = (
            dossier.assignee.get_full_name() or dossier.assignee.username
            if dossier.assignee
            else ""
        )
        unit = dossier.current_department.name if dossier.current_department else ""
        return " · ".join(part for part in [unit, person] if part)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "queues": selectors.dossier_queue_counts(user=request.user),
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
