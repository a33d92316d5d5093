"""The dossier list's rows, written once per row as escaped HTML."""

from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from dossiers import timeliness
from dossiers.constants import DossierStatus
from payments.constants import PaymentState

# The badge of each state of dossiers.timeliness: its colour.
DEADLINE_BADGES = {
    timeliness.OVERDUE: "danger",
    timeliness.DUE_SOON: "warning",
    timeliness.IN_TIME: "success",
    timeliness.PAUSED: "paused",
    timeliness.EARLY: "success",
    timeliness.ON_TIME: "success",
    timeliness.LATE: "danger",
}


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
        self.soon = timeliness.due_soon_limit(self.now)
        self.change_url = reverse("admin:dossiers_dossier_changelist") + "{}/change/"
        self.empty = str(model_admin.get_empty_value_display())
        self.select_label = _("Chọn hồ sơ %(code)s")
        self.datetime_format = get_format("DATETIME_FORMAT")
        self.statuses = {
            value: f'<span class="status status-{value}">{escape(label)}</span>'
            for value, label in DossierStatus.choices
        }
        # The latest online payment attempt of a dossier waiting for its fee (status 6).
        self.payments = {
            state: f' <span class="payment payment-{state}">{escape(label)}</span>'
            for state, label in (
                (PaymentState.PENDING, _("Chờ thanh toán trực tuyến")),
                (PaymentState.PAID, _("Đã thanh toán một phần")),
                (PaymentState.FAILED, _("Thanh toán trực tuyến thất bại")),
                (PaymentState.CANCELLED, _("Đã hủy thanh toán trực tuyến")),
                (PaymentState.REFUNDED, _("Đã hoàn phí")),
            )
        }
        self.deadlines = {
            state: f'<span class="deadline deadline-{kind}">'
            f"{escape(timeliness.label(state))}</span> "
            for state, kind in DEADLINE_BADGES.items()
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
        badge = self.statuses.get(dossier.status) or escape(dossier.status)
        payment = getattr(dossier, "fee_payment", None)
        return badge + self.payments.get(payment, "") if payment else badge

    def deadline(self, dossier) -> str:
        if dossier.due_at is None:
            return ""
        due = timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y")
        state = timeliness.judge(dossier, now=self.now, soon=self.soon)
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
