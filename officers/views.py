"""The officer's two-factor enrolment, the one admin page a password alone opens."""

import segno
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device

from officers import twofactor
from officers.forms import EnrolmentForm


@never_cache
def otp_enrol(request, site):
    """Show the QR code of a new TOTP key, confirm it with a first token, show the backup codes.

    An officer who already has a device proves it with a token at login before replacing it.
    """
    user = request.user
    signed_in = user.is_authenticated and user.is_active and user.is_staff
    if not signed_in or (user_has_device(user) and not user.is_verified()):
        return redirect_to_login(
            request.get_full_path(), reverse("admin:login", current_app=site.name)
        )
    device = twofactor.enrolment_device(user=user)
    form = EnrolmentForm(request.POST or None)
    context = {
        **site.each_context(request),
        "is_nav_sidebar_enabled": False,
        "title": _("Xác thực hai lớp"),
    }
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.enrolment_confirm(
                user=user, device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as error:
            form.add_error("token", error)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "officers/otp_backup_codes.html", {**context, "codes": codes})
    qr = segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2)
    return render(
        request,
        "officers/otp_enrol.html",
        {
            **context,
            "form": form,
            "qr": qr,
            "secret": twofactor.secret_base32(device),
            "required": twofactor.otp_required(),
        },
    )
