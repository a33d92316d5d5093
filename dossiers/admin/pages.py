"""The dossier's back-office page, its actions, files and slips, and the register (Mẫu 06).

Every page, action, export and file goes through `selectors.dossiers_visible(user)` (by way of
`selectors.dossier_for_officer`): a foreign id is a 404. Every view of a dossier's page, download
of its files, slips and result, and every export of the register writes one row of the access log
(`audit.services.access_record`, Nghị định 13/2023/NĐ-CP).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.constants import AccessAction
from audit.services import access_record
from dossiers import receipts, register, selectors, services, slips, timeliness, workflow
from dossiers.access import attachment_response, pdf_file_response
from dossiers.admin import forms as admin_forms
from dossiers.admin.actions import perform
from dossiers.admin.rows import DEADLINE_BADGES
from dossiers.constants import EventAction as A
from dossiers.display import declaration_rows
from dossiers.fees import dossier_fees
from notifications.selectors import messages_about
from officers.selectors import user_agencies


def _record(request, action: AccessAction, dossier) -> None:
    """Log the access to `dossier` under its receiving and resolving agencies, whose scopes
    read the log."""
    access_record(
        request,
        action,
        subject=dossier,
        reference=dossier.code,
        agency_id=dossier.receiving_agency_id,
        resolving_agency_id=dossier.resolving_agency_id,
    )


class DossierPagesMixin:
    """The pages of one dossier, beside the list."""

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
                "<int:pk>/du-thao/<int:proposal_pk>/",
                view(self.draft_view),
                name="dossiers_dossier_draft",
            ),
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
        state = timeliness.judge(dossier, now=timezone.now())
        actions = [
            (action, A(action).label) for action in selectors.officer_actions(request.user, dossier)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Hồ sơ %(code)s") % {"code": dossier.code},
            "dossier": dossier,
            "actions": actions,
            "deadline": state,
            "deadline_label": timeliness.label(state),
            "deadline_kind": DEADLINE_BADGES.get(state, ""),
            "declaration": declaration_rows(
                dossier.procedure.form_fields.all(), dossier.declaration
            ),
            "messages_sent": messages_about(dossier),
            "has_refusal": any(e.action == A.REFUSE for e in dossier.events.all()),
            "has_apology": any(e.action == A.APOLOGIZE for e in dossier.events.all()),
            "note_form": forms.Form(),
            "issued_result": dossier.issued,
            "postal_items": selectors.postal_items(dossier),
            "fees": dossier_fees(dossier),
        }
        _record(request, AccessAction.VIEW, dossier)
        return TemplateResponse(request, "admin/dossiers/dossier/detail.html", context)

    def action_view(self, request, pk, action):
        if action not in workflow.OFFICER_ACTIONS:
            raise Http404
        dossier = self._dossier(request, pk)
        if action not in selectors.officer_actions(request.user, dossier):
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
        dossier = self._dossier(request, pk)
        response = attachment_response(dossier, document_pk)
        _record(request, AccessAction.ATTACHMENT, dossier)
        return response

    def result_view(self, request, pk):
        dossier = self._dossier(request, pk)
        if not dossier.result_file:
            raise Http404
        response = pdf_file_response(dossier.result_file, stem=f"ket-qua-{dossier.code}")
        _record(request, AccessAction.RESULT, dossier)
        return response

    def draft_view(self, request, pk, proposal_pk):
        dossier = self._dossier(request, pk)
        proposal = next((p for p in dossier.proposals.all() if p.pk == proposal_pk), None)
        if proposal is None or not proposal.draft:
            raise Http404
        response = pdf_file_response(proposal.draft, stem=f"du-thao-{dossier.code}-{proposal.pk}")
        # The draft result carries the same personal data as the result.
        _record(request, AccessAction.RESULT, dossier)
        return response

    def slip_view(self, request, pk, kind):
        dossier = self._dossier(request, pk)
        events = list(dossier.events.all())
        if kind == "mau-01" and dossier.received_at is not None:
            pdf = receipts.dossier_receipt_pdf(dossier=dossier)
        elif kind == "mau-02" and dossier.supplements.all():
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
        _record(request, AccessAction.SLIP, dossier)
        return response

    def register_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = admin_forms.RegisterForm(request.GET or None)
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            dossiers = selectors.register_dossiers(user=request.user, start=start, end=end)
            name = f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}"
            if form.cleaned_data["format"] == "csv":
                response = HttpResponse(
                    register.register_csv(dossiers), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            else:
                response = HttpResponse(
                    register.register_xlsx(dossiers, start=start, end=end),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            agencies = user_agencies(request.user)
            access_record(
                request,
                AccessAction.EXPORT,
                reference=_("Sổ theo dõi (Mẫu 06) từ %(start)s đến %(end)s, %(format)s")
                % {
                    "start": f"{start:%d/%m/%Y}",
                    "end": f"{end:%d/%m/%Y}",
                    "format": form.cleaned_data["format"].upper(),
                },
                # The officer's (first) agency: the register covers their whole scope.
                agency_id=agencies[0]["pk"] if agencies else None,
            )
            return response
        if not form.is_bound:
            today = timezone.localdate()
            form = admin_forms.RegisterForm(
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
