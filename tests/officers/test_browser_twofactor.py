"""An officer enrols an authenticator app in the browser, then signs in with a backup code."""

from base64 import b32decode

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from officers.constants import Role
from tests.dossiers.factories import make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, token=None):
    page.context.clear_cookies()
    page.goto("/quan-tri/login/")
    page.get_by_label("Tên đăng nhập").fill("motcua")
    page.get_by_label("Mật khẩu").fill("MatKhau@123")
    if token:
        page.get_by_label("Mã xác thực").fill(token)
    page.get_by_role("button", name="Đăng nhập").click()


def test_officer_enrols_then_signs_in_with_a_backup_code(page, catalogue, settings, screenshot):
    settings.OTP_REQUIRED = True
    make_officer("motcua", Role.RECEIVING, agencies=[catalogue["long_bien"]])

    sign_in(page)
    page.wait_for_url("**/quan-tri/xac-thuc-hai-lop/")
    assert page.locator("#otp-qr").evaluate("img => img.naturalWidth") > 100
    secret = page.locator("#otp-secret").inner_text()
    screenshot(page, "enrol")
    totp = TOTP(b32decode(secret))
    totp.time = timezone.now().timestamp()
    page.get_by_label("Mã 6 số trên ứng dụng").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Xác nhận").click()
    assert page.locator("#otp-enrolled").is_visible()
    codes = page.locator("#backup-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "backup-codes")
    page.get_by_role("link", name="Vào trang quản trị").click()
    assert page.get_by_role("heading", name="Bảng điều khiển").is_visible()

    sign_in(page)  # no token: refused
    assert page.get_by_text("Nhập mã xác thực 6 số từ ứng dụng, hoặc một mã dự phòng.").is_visible()
    sign_in(page, token=codes[0])
    assert page.get_by_role("heading", name="Bảng điều khiển").is_visible()
