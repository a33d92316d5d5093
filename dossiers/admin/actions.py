"""The officer actions as the back-office calls them: one service per action, fed by its form,
and the bulk actions of the list."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import services
from dossiers.constants import EventAction as A
from dossiers.models import DossierEvent

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
    A.PROPOSE: lambda data: {
        "draft_file": data["result"],
        "leader": data["leader"],
        "note": data["note"],
    },
    A.SEND_BACK: lambda data: {"reason": data["note"]},
    A.REQUEST_FEE: lambda data: {
        "copies": data["copies"],
        "pages": data["pages"],
        "amount": data["amount"],
        "note": data["note"],
    },
    A.STOP: lambda data: {"reason": data["note"]},
    A.END: lambda data: {"reason": data["note"]},
    A.RESOLVE: lambda data: {"result_file": data["result"], "note": data["note"]},
    A.RETURN_RESULT: lambda data: {
        "via": data["via"],
        "postal_item": data["postal_item"],
        "note": data["note"],
    },
    A.POSTAL_OUTCOME: lambda data: {"outcome": data["outcome"], "note": data["note"]},
    A.ISSUE_RESULT: lambda data: {
        "number": data["number"],
        "signed_on": data["signed_on"],
        "signed_file": data["signed_file"],
        "note": data["note"],
    },
    A.REVOKE_RESULT: lambda data: {"reason": data["note"]},
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
    A.FORWARD_AGENCY: services.dossier_forward_agency,
    A.RETURN_PREVIOUS: services.dossier_return_previous,
    A.PROPOSE: services.dossier_propose,
    A.APPROVE: services.dossier_approve,
    A.SEND_BACK: services.dossier_send_back,
    A.RECALL: services.dossier_recall,
    A.REQUEST_FEE: services.dossier_request_fee,
    A.CONFIRM_FEE: services.dossier_confirm_fee,
    A.STOP: services.dossier_stop,
    A.END: services.dossier_end,
    A.RESOLVE: services.dossier_resolve,
    A.RETURN_RESULT: services.dossier_return_result,
    A.POSTAL_OUTCOME: services.dossier_record_postal_outcome,
    A.ISSUE_RESULT: services.dossier_issue_result,
    A.REVOKE_RESULT: services.dossier_revoke_result,
    A.RESET_DEADLINE: services.dossier_reset_deadline,
    A.APOLOGIZE: services.dossier_apologize,
    A.ASSIGN: services.dossier_assign,
}


def perform(action: str, *, dossier_id: int, user, data: dict) -> DossierEvent:
    """Call the service of `action` with the cleaned data of its form."""
    parameters = ACTION_PARAMETERS.get(action, lambda d: {"note": d["note"]})(data)
    return SERVICES[action](dossier_id=dossier_id, actor=user, **parameters)


class BulkActionsMixin:
    """Bulk actions: only where they are safe, reporting per row."""

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
