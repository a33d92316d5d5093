"""The small form behind each officer action on a dossier's back-office page, and the register's."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import selectors, uploads, validators
from dossiers.constants import EventAction as A
from dossiers.forms import MultipleFileField
from dossiers.services import delivery
from officers import selectors as officer_selectors
from procedures.constants import ResultDelivery

REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}


class ActionForm(forms.Form):
    """Base: a note, and the dossier it acts on."""

    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, dossier, user, **kwargs):
        self.dossier, self.user = dossier, user
        super().__init__(*args, **kwargs)


class ReasonForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        self.fields["note"].label = _("Lý do")
        self.fields["note"].error_messages = {"required": _("Vui lòng ghi rõ lý do.")}


class SupplementRequestForm(ReasonForm):
    documents = forms.MultipleChoiceField(
        label=_("Giấy tờ cần bổ sung"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other = forms.CharField(
        label=_("Giấy tờ khác (mỗi dòng một giấy tờ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = [d.name for d in self.dossier.procedure.documents.all()]
        self.fields["documents"].choices = [(name, name) for name in names]

    def clean(self):
        cleaned = super().clean()
        extra = [line.strip() for line in (cleaned.get("other") or "").splitlines() if line.strip()]
        cleaned["document_list"] = [*(cleaned.get("documents") or []), *extra]
        if not cleaned["document_list"]:
            self.add_error("documents", _("Chọn ít nhất một giấy tờ cần bổ sung."))
        return cleaned


class ForwardForm(ActionForm):
    department = forms.ModelChoiceField(
        label=_("Chuyển đến phòng, ban"), queryset=None, error_messages=REQUIRED
    )
    assignee = forms.ModelChoiceField(
        label=_("Cán bộ xử lý"),
        queryset=None,
        required=False,
        empty_label=_("— Phòng, ban phân công —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = officer_selectors.departments_of(self.dossier.holder)
        self.fields["department"].queryset = departments
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(officer__department__in=departments, is_active=True)
            .order_by("first_name", "username")
        )
        self.fields["assignee"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.officer.department})"
        )

    def clean(self):
        cleaned = super().clean()
        assignee, department = cleaned.get("assignee"), cleaned.get("department")
        if assignee and department and assignee.officer.department_id != department.pk:
            self.add_error("assignee", _("Cán bộ này không thuộc phòng, ban đã chọn."))
        return cleaned


class ForwardAgencyForm(ActionForm):
    """Liên thông: the note says where the dossier goes (the procedure's resolving agency in
    this province), which the officer does not choose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        destination = selectors.forward_destination(self.dossier)
        if destination is not None:
            self.fields["note"].help_text = _("Hồ sơ được chuyển đến: %(agency)s.") % {
                "agency": destination.name
            }


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(label=_("Giao cho"), queryset=None, error_messages=REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agency = self.dossier.holder
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(
                officer__agencies__in=officer_selectors.agencies_above(agency), is_active=True
            )
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["assignee"].initial = self.user.pk


class ResultForm(ActionForm):
    result = forms.FileField(label=_("Tệp kết quả (PDF)"), error_messages=REQUIRED)

    def clean_result(self):
        return uploads.inspect(self.cleaned_data["result"], max_mb=settings.UPLOAD_MAX_FILE_MB)


class FeeRequestForm(ActionForm):
    """Yêu cầu thu phí: the quantities the procedure's fee rules need, or the amount itself."""

    copies = forms.IntegerField(
        label=_("Số bản"),
        min_value=1,
        max_value=1000,
        initial=1,
        error_messages={**REQUIRED, "min_value": _("Số bản phải từ 1 trở lên.")},
    )
    pages = forms.IntegerField(
        label=_("Số trang mỗi bản"),
        min_value=1,
        max_value=10000,
        initial=1,
        error_messages={**REQUIRED, "min_value": _("Số trang phải từ 1 trở lên.")},
    )
    amount = forms.IntegerField(
        label=_("Số tiền (đồng)"),
        required=False,
        min_value=1,
        max_value=10**11,
        help_text=_("Để trống để tính theo mức thu của thủ tục."),
        error_messages={"min_value": _("Số tiền phải lớn hơn 0."), "invalid": _("Nhập số nguyên.")},
    )
    field_order = ["copies", "pages", "amount", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _("Gửi kèm thông báo nộp phí cho công dân.")
        rules = list(self.dossier.procedure.fees.all())
        if rules:
            self.fields["amount"].help_text = _(
                "Để trống để tính theo mức thu của thủ tục: %(rules)s."
            ) % {"rules": "; ".join(rule.label for rule in rules)}


class ProposalForm(ResultForm):
    """Trình lãnh đạo: the draft result, to a named leader or to any leader of the agency."""

    leader = forms.ModelChoiceField(
        label=_("Lãnh đạo phê duyệt"),
        queryset=None,
        required=False,
        empty_label=_("— Bất kỳ lãnh đạo nào của cơ quan —"),
    )

    field_order = ["result", "leader", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].label = _("Dự thảo kết quả (PDF)")
        self.fields["note"].label = _("Nội dung trình")
        self.fields["leader"].queryset = officer_selectors.leaders_above(
            self.dossier.holder
        ).order_by("first_name", "username")
        self.fields["leader"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )


class ApprovalForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Lời nhắn gửi công dân cùng thông báo có kết quả")
        self.fields["note"].help_text = _(
            "Không bắt buộc: lệ phí phải nộp, giấy tờ cần mang theo khi nhận kết quả…"
        )


class DeskSupplementForm(ActionForm):
    files = MultipleFileField(
        label=_("Giấy tờ công dân nộp bổ sung (không bắt buộc)"), required=False
    )

    def clean_files(self):
        return [
            (uploads.inspect(upload, max_mb=settings.UPLOAD_MAX_FILE_MB), "")
            for upload in self.cleaned_data["files"]
        ]


class ReturnResultForm(ActionForm):
    via = forms.ChoiceField(
        label=_("Hình thức trả kết quả"), choices=ResultDelivery.choices, widget=forms.RadioSelect
    )

    postal_item = forms.CharField(
        label=_("Số hiệu bưu gửi"),
        required=False,
        max_length=20,
        help_text=_(
            "Khi trả qua bưu chính: số in trên phiếu gửi của bưu điện, ví dụ EB123456789VN."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["via"].initial = self.dossier.delivery

    def clean(self):
        cleaned = super().clean()
        number = ""
        if cleaned.get("via") == ResultDelivery.POST:
            try:
                number = validators.postal_item(cleaned.get("postal_item", ""))
            except ValidationError as error:
                self.add_error("postal_item", error)
        cleaned["postal_item"] = number
        return cleaned


class PostalOutcomeForm(ActionForm):
    outcome = forms.ChoiceField(
        label=_("Kết quả phát"),
        choices=[(state.value, state.label) for state in delivery.OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn kết quả phát.")},
    )


class IssueResultForm(ActionForm):
    """Phát hành kết quả điện tử: the number and date the signed document bears, and the signed
    PDF when it is not the approved file itself."""

    number = forms.CharField(
        label=_("Số, ký hiệu văn bản"),
        max_length=60,
        help_text=_("Như in trên văn bản đã ký, ví dụ 125/QĐ-UBND."),
        error_messages=REQUIRED,
    )
    signed_on = forms.DateField(
        label=_("Ngày ký"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={**REQUIRED, "invalid": _("Ngày không hợp lệ.")},
    )
    signed_file = forms.FileField(
        label=_("Bản đã ký (PDF)"),
        required=False,
        help_text=_("Để trống nếu tệp kết quả đã duyệt là bản đã ký."),
    )
    field_order = ["number", "signed_on", "signed_file", "note"]

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        delivery.check_signed_on(value)
        return value

    def clean_signed_file(self):
        upload = self.cleaned_data.get("signed_file")
        if not upload:
            return None
        checked = uploads.inspect(upload, max_mb=settings.UPLOAD_MAX_FILE_MB)
        delivery.check_signed_pdf(checked)
        return checked


class NewDueDateForm(ReasonForm):
    new_due_at = forms.DateTimeField(
        label=_("Ngày hẹn trả kết quả mới"),
        help_text=_(
            "Ngày hẹn mới báo cho công dân. Hồ sơ vẫn được đánh giá theo hạn giải quyết theo "
            "quy định; hồ sơ đã xin lỗi được tính là quá hạn."
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={**REQUIRED, "invalid": _("Ngày giờ không hợp lệ.")},
    )

    def clean_new_due_at(self):
        value = self.cleaned_data["new_due_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Hạn mới phải sau thời điểm hiện tại."))
        return value


FORMS = {
    A.ACCEPT: ActionForm,
    A.REFUSE: ReasonForm,
    A.REQUEST_SUPPLEMENT: SupplementRequestForm,
    A.SUPPLEMENT: DeskSupplementForm,
    A.FORWARD: ForwardForm,
    A.FORWARD_AGENCY: ForwardAgencyForm,
    A.RETURN_PREVIOUS: ReasonForm,
    A.PROPOSE: ProposalForm,
    A.APPROVE: ApprovalForm,
    A.SEND_BACK: ReasonForm,
    A.RECALL: ActionForm,
    A.REQUEST_FEE: FeeRequestForm,
    A.CONFIRM_FEE: ActionForm,
    A.STOP: ReasonForm,
    A.END: ReasonForm,
    A.RESOLVE: ResultForm,
    A.RETURN_RESULT: ReturnResultForm,
    A.POSTAL_OUTCOME: PostalOutcomeForm,
    A.ISSUE_RESULT: IssueResultForm,
    A.REVOKE_RESULT: ReasonForm,
    A.RESET_DEADLINE: NewDueDateForm,
    A.APOLOGIZE: NewDueDateForm,
    A.ASSIGN: AssignForm,
}


class RegisterForm(forms.Form):
    start = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        label=_("Định dạng"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise ValidationError(_("“Từ ngày” phải trước “Đến ngày”."))
        return cleaned
