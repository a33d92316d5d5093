"""Forms of the intake wizard. Shape only: rules across rows live in dossiers/services.py."""

import datetime

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField
from django import forms
from django.conf import settings
from django.forms import MultiValueField
from django.utils.translation import gettext_lazy as _

from dossiers import uploads
from dossiers.captcha import captcha_spend
from dossiers.validators import (
    normalize_phone,
    validate_citizen_id,
    validate_mobile,
    validate_not_future,
)
from procedures.constants import ApplicantRole, FieldType, ResultDelivery
from procedures.selectors import DocumentRequirement

REQUIRED_MESSAGE = _("Vui lòng nhập thông tin này.")
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


class AgencyForm(forms.Form):
    """Choose where to submit, among the agencies that receive the procedure."""

    co_quan = forms.ModelChoiceField(
        label=_("Nơi nộp hồ sơ"),
        queryset=None,
        to_field_name="code",
        empty_label=_("— Chọn xã, phường hoặc cơ quan —"),
        error_messages={
            "required": _("Vui lòng chọn nơi nộp hồ sơ."),
            "invalid_choice": _("Cơ quan này không tiếp nhận thủ tục. Vui lòng chọn lại."),
        },
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_quan"].queryset = agencies


def _declaration_field(definition) -> forms.Field:
    common = {
        "label": definition.label,
        "required": definition.required,
        "help_text": definition.help_text,
        "error_messages": {"required": REQUIRED_MESSAGE},
    }
    kind = definition.field_type
    if kind == FieldType.TEXTAREA:
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldType.DATE:
        field = forms.DateField(
            input_formats=DATE_INPUT_FORMATS,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **common,
        )
        field.error_messages["invalid"] = _("Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm.")
        # Dates on a civil-status declaration are past events: births, deaths, documents issued.
        field.validators.append(validate_not_future)
        return field
    if kind == FieldType.NUMBER:
        field = forms.IntegerField(min_value=0, max_value=10**9, **common)
        field.error_messages["invalid"] = _("Vui lòng nhập một số.")
        return field
    if kind == FieldType.EMAIL:
        field = forms.EmailField(max_length=254, **common)
        field.error_messages["invalid"] = _("Địa chỉ thư điện tử không hợp lệ.")
        return field
    if kind == FieldType.PHONE:
        return PhoneField(**common)
    if kind == FieldType.CITIZEN_ID:
        return forms.CharField(
            min_length=12,
            max_length=12,
            validators=[validate_citizen_id],
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    if kind == FieldType.CHOICE:
        choices = [(c, c) for c in definition.choice_list]
        field = forms.ChoiceField(choices=[("", _("— Chọn —")), *choices], **common)
        field.error_messages["invalid_choice"] = _("Vui lòng chọn một giá trị trong danh sách.")
        return field
    if kind == FieldType.BOOLEAN:
        common["error_messages"] = {"required": _("Vui lòng đánh dấu mục này.")}
        return forms.BooleanField(**common)
    # The applicant's ID number is kept on the dossier (Dossier.applicant_id_number).
    max_length = 30 if definition.applicant == ApplicantRole.ID_NUMBER else 500
    return forms.CharField(max_length=max_length, **common)


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.validators.append(validate_mobile)

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class DeclarationForm(forms.Form):
    """The procedure's declaration (tờ khai), built from its field definitions."""

    def __init__(self, *args, definitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []
        for definition in definitions:
            self.fields[definition.name] = _declaration_field(definition)
            self.fields[definition.name].section = definition.section
        for name, field in self.fields.items():
            if not self.sections or self.sections[-1][0] != field.section:
                self.sections.append((field.section, []))
            self.sections[-1][1].append(self[name])

    def to_json(self) -> dict:
        """Return the cleaned data as JSON-friendly values (dates as ISO strings)."""
        return {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in self.cleaned_data.items()
        }


class ContactForm(forms.Form):
    ho_ten = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=255,
        error_messages={"required": REQUIRED_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        help_text=_("Mã hồ sơ và thông báo được gửi đến địa chỉ này."),
        error_messages={
            "required": REQUIRED_MESSAGE,
            "invalid": _("Địa chỉ thư điện tử không hợp lệ."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    dien_thoai = PhoneField(
        label=_("Số điện thoại di động"),
        help_text=_("Cán bộ liên hệ khi cần; cũng dùng để tra cứu hồ sơ."),
        error_messages={"required": REQUIRED_MESSAGE},
    )
    dia_chi = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=500,
        error_messages={"required": REQUIRED_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    nhan_ket_qua = forms.ChoiceField(
        label=_("Cách nhận kết quả"),
        choices=ResultDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn cách nhận kết quả."),
            "invalid_choice": _("Cách nhận kết quả này không áp dụng cho thủ tục."),
        },
    )

    def __init__(self, *args, delivery_options, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [c for c in ResultDelivery.choices if c[0] in delivery_options] or [
            (ResultDelivery.IN_PERSON, ResultDelivery.IN_PERSON.label)
        ]
        self.fields["nhan_ket_qua"].choices = allowed
        if ResultDelivery.POST in dict(allowed):
            self.fields["nhan_ket_qua"].help_text = _(
                "Qua bưu chính: kết quả được gửi đến địa chỉ liên hệ ở trên; cước bưu chính do "
                "ông/bà trả cho nhân viên bưu chính khi nhận, cùng lệ phí (nếu có)."
            )
        if len(allowed) == 1:
            self.fields["nhan_ket_qua"].initial = allowed[0][0]
            self.fields["nhan_ket_qua"].widget = forms.HiddenInput()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class AttachmentsForm(forms.Form):
    """One upload slot per document to upload; files are checked by content, not by name.

    `requirements`: the documents as the procedure groups them (an alternative group is one
    requirement with a slot per document)."""

    def __init__(self, *args, requirements: list[DocumentRequirement], **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        self.documents = [document for item in requirements for document in item.documents]
        for document in self.documents:
            accept = uploads.accepted_types(document)
            self.fields[f"tep_{document.pk}"] = MultipleFileField(
                label=document.name,
                required=False,
                widget=MultipleFileInput(attrs={"accept": ",".join(accept["extensions"])}),
            )

    def clean(self):
        """Check every file; keep the good ones in `accepted` even when others are refused, so
        the citizen never has to pick a good file twice."""
        cleaned = super().clean()
        self.accepted = []
        for document in self.documents:
            name = f"tep_{document.pk}"
            checked = []
            for upload in cleaned.get(name) or []:
                try:
                    checked.append(
                        uploads.inspect(
                            upload, document=document, max_mb=settings.UPLOAD_MAX_FILE_MB
                        )
                    )
                except forms.ValidationError as error:
                    self.add_error(name, error)
            if checked:
                self.accepted.append((document, checked))
        return cleaned

    def slots(self, files: dict[int, list]) -> list[tuple[DocumentRequirement, list[tuple]]]:
        """Each requirement with its slots: (document, bound field, the files already attached
        for it in `files`, by document id)."""
        return [
            (
                requirement,
                [
                    (document, self[f"tep_{document.pk}"], files.get(document.pk, []))
                    for document in requirement.documents
                ],
            )
            for requirement in self.requirements
        ]


class PurgedCaptchaField(CaptchaField):
    """django-simple-captcha's field (0.7) without its purge of expired challenges on every
    check, a DELETE in a transaction of its own per POST: the beat task
    `dossiers.tasks.captchas_purge_expired` purges them instead. The check is the library's: a
    challenge can be attempted once, and is deleted whether the answer is right or wrong."""

    def clean(self, value):
        MultiValueField.clean(self, value)  # required, and both parts present
        hashkey, response, value[1] = value[0], (value[1] or "").strip().lower(), ""
        expected = captcha_spend(hashkey)
        passed = captcha_settings.CAPTCHA_TEST_MODE and response == "passed"
        if not passed and (expected is None or expected != response):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def captcha_field() -> CaptchaField:
    """The "Mã xác nhận" of every public form that needs one."""
    return PurgedCaptchaField(
        label=_("Mã xác nhận"),
        help_text=_("Nhập các ký tự trong hình, không phân biệt chữ hoa, chữ thường."),
        error_messages={
            "invalid": _("Mã xác nhận không đúng. Vui lòng nhập mã mới."),
            "required": _("Vui lòng nhập mã xác nhận."),
        },
    )


class ReviewForm(forms.Form):
    captcha = captcha_field()


class SupplementForm(forms.Form):
    """The citizen's answer to a supplement request: files for each document asked, and a note."""

    note = forms.CharField(
        label=_("Ghi chú gửi cán bộ (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, documents: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        for index, name in enumerate(documents):
            self.fields[f"tep_{index}"] = MultipleFileField(label=name, required=False)

    def clean(self):
        cleaned = super().clean()
        self.checked = []
        for index, name in enumerate(self.documents):
            for upload in cleaned.get(f"tep_{index}") or []:
                try:
                    checked = uploads.inspect(upload, max_mb=settings.UPLOAD_MAX_FILE_MB)
                except forms.ValidationError as error:
                    self.add_error(f"tep_{index}", error)
                else:
                    self.checked.append((checked, name))
        if not self.errors and not self.checked:
            raise forms.ValidationError(
                _("Vui lòng đính kèm ít nhất một tệp giấy tờ bổ sung."), code="no_files"
            )
        return cleaned

    def slots(self):
        return [self[f"tep_{index}"] for index in range(len(self.documents))]
