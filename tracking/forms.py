from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.forms import captcha_field
from tracking.constants import Satisfaction


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"placeholder": "000.11.00.H26-261122-0001", "autocomplete": "off"}
        ),
    )

    def clean_ma(self) -> str:
        return self.cleaned_data["ma"].upper()  # the field has stripped it already


class VerifyForm(forms.Form):
    """The second factor: the mobile number given at submission (and a captcha after misses)."""

    ma = forms.CharField(widget=forms.HiddenInput, max_length=40)
    dien_thoai = forms.CharField(
        label=_("Số điện thoại di động đã khai khi nộp hồ sơ"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Vui lòng nhập số điện thoại.")},
    )

    def __init__(self, *args, with_captcha=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_captcha:
            self.fields["captcha"] = captcha_field()


class WithdrawForm(forms.Form):
    ly_do = forms.CharField(
        label=_("Lý do rút hồ sơ (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    xac_nhan = forms.BooleanField(
        label=_("Tôi hiểu rằng hồ sơ đã rút sẽ không được tiếp tục giải quyết."),
        error_messages={"required": _("Vui lòng đánh dấu để xác nhận rút hồ sơ.")},
    )


class RatingForm(forms.Form):
    muc_do = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn mức độ hài lòng.")},
    )
    y_kien = forms.CharField(
        label=_("Ý kiến (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
