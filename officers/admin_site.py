"""The admin site every app registers on: the officers' login with two-factor.

Where OTP_REQUIRED (the default with DEBUG off), only a session verified by a token reaches the
admin; a signed-in officer who has no device yet is sent to the enrolment page, the one page a
password alone opens. Settings are read per request, so tests may switch OTP_REQUIRED.
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.adminsafe import SafeParametersMixin


class PortalAdminSite(admin.AdminSite):
    site_header = _("Cổng dịch vụ công · Quản trị, xử lý hồ sơ")
    site_title = _("Quản trị cổng dịch vụ công")
    index_title = _("Bảng điều khiển")
    login_template = "officers/login.html"

    @property
    def login_form(self):
        from officers.forms import OfficerLoginForm

        return OfficerLoginForm

    def has_permission(self, request):
        from officers.twofactor import officer_satisfies_otp

        return super().has_permission(request) and officer_satisfies_otp(request)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin, the libraries' too (axes, django-otp), answers malformed list parameters
        with a 400 or the list without them, never a 500 (core.adminsafe)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeParametersMixin):
            admin_class = type(admin_class.__name__, (SafeParametersMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def login(self, request, extra_context=None):
        from officers.twofactor import officer_must_enrol

        if officer_must_enrol(request):
            return redirect("admin:otp_enrol")
        return super().login(request, extra_context)

    def get_urls(self):
        from django.contrib.auth.views import LogoutView

        from officers import views

        return [
            path("xac-thuc-hai-lop/", views.otp_enrol, {"site": self}, name="otp_enrol"),
            # The admin's own logout needs a verified session; one signed in with a password
            # alone leaves from the enrolment page here.
            path(
                "xac-thuc-hai-lop/dang-xuat/",
                LogoutView.as_view(next_page="admin:login"),
                name="otp_logout",
            ),
            *super().get_urls(),
        ]
