"""The officers' login with its second factor, and the enrolment's first token."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from officers import twofactor


class OfficerLoginForm(AdminAuthenticationForm):
    """The admin's login: the password (counted by django-axes), then the token of an officer who
    enrolled. An officer without a device signs in with the password alone and, where two-factor
    is required, can do nothing but enrol (officers.admin_site)."""

    otp_token = forms.CharField(
        label=_("Mã xác thực"),
        required=False,
        max_length=16,
        help_text=_(
            "6 số trên ứng dụng xác thực, hoặc một mã dự phòng. Để trống nếu chưa đăng ký."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off"}),
    )

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is not None:
            # django_otp's user_logged_in receiver stores the device in the session: verified.
            user.otp_device = twofactor.login_device(
                user=user, token=cleaned_data.get("otp_token") or ""
            )
        return cleaned_data


class EnrolmentForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 số trên ứng dụng"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
