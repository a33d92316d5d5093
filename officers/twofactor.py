"""Officers' second factor with django-otp: one TOTP app and ten static backup codes each.

Enrolment replaces whatever the officer had; an administrator's reset deletes it all, and the
officer enrols again at the next login (README, "Officers' login").
"""

import re
from base64 import b32encode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
TOTP_NAME = "Ứng dụng xác thực"
BACKUP_NAME = "Mã dự phòng"
TOTP_TOKEN = re.compile(r"\d{6}")


def otp_required() -> bool:
    return settings.OTP_REQUIRED


def officer_must_enrol(request: HttpRequest) -> bool:
    """Whether the signed-in staff user must enrol before using the admin."""
    user = request.user
    return (
        otp_required()
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and not user.is_verified()
        and not user_has_device(user)
    )


def officer_satisfies_otp(request: HttpRequest) -> bool:
    """Whether the session passed the second factor, where it is required."""
    return not otp_required() or request.user.is_verified()


def login_device(*, user: AbstractBaseUser, token: str) -> Device | None:
    """Return the device that verifies `token` at login, None for an officer without one.

    A six-digit token is the app's; anything else is a backup code, which works once. Each device
    throttles its own failures (django-otp).
    """
    if not user_has_device(user):
        return None
    token = token.strip().replace(" ", "")
    if not token:
        raise ValidationError(
            _("Nhập mã xác thực 6 số từ ứng dụng, hoặc một mã dự phòng."), code="token_required"
        )
    model = TOTPDevice if TOTP_TOKEN.fullmatch(token) else StaticDevice
    if model is StaticDevice:
        token = token.lower()  # the codes are printed in lower case; a reader may type capitals
    device = model.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        raise ValidationError(_("Mã xác thực không đúng."), code="invalid_token")
    allowed, _extra = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            _("Nhập sai mã xác thực nhiều lần: vui lòng chờ một lát rồi thử lại."),
            code="throttled",
        )
    if not device.verify_token(token):
        raise ValidationError(_("Mã xác thực không đúng."), code="invalid_token")
    return device


def enrolment_device(*, user: AbstractBaseUser) -> TOTPDevice:
    """Return the officer's TOTP device awaiting its first token, made on the first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed in by hand."""
    return b32encode(device.bin_key).decode()


@transaction.atomic
def enrolment_confirm(*, user: AbstractBaseUser, device: TOTPDevice, token: str) -> list[str]:
    """Confirm `device` with its first token; replace the officer's other devices; return the
    new backup codes (shown once: only the codes' holder can read them afterwards)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError(
            _("Mã xác thực không đúng: kiểm tra giờ trên điện thoại và nhập mã đang hiển thị."),
            code="invalid_token",
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    backup = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


@transaction.atomic
def devices_reset(*, user: AbstractBaseUser) -> int:
    """Delete the officer's devices (a lost phone): they enrol again at the next login."""
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        _total, per_model = model.objects.filter(user=user).delete()
        deleted += per_model.get(model._meta.label, 0)  # not the backup codes with them
    return deleted
