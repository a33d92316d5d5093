"""On a phone: an officer is locked out, their ward's administrator unlocks them from the
accounts' list and reads the access log; an officer enrols their second factor."""

import pytest
from axes.models import AccessAttempt
from playwright.sync_api import expect

from officers.constants import Role
from tests.dossiers.factories import make_officer, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username, password="MatKhau@123"):  # noqa: S107 (test accounts)
    page.context.clear_cookies()
    page.goto("/quan-tri/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at 360 px"


def test_a_ward_administrator_unlocks_an_officer_on_a_phone(phone_page, catalogue, screenshot):
    page = phone_page
    make_officer("motcua", Role.RECEIVING, agencies=[catalogue["long_bien"]])
    make_officer("quantri.lb", Role.ADMINISTRATOR, agencies=[catalogue["long_bien"]])

    for _ in range(5):
        sign_in(page, "motcua", "sai-mat-khau")
    expect(page.get_by_role("heading", name="Tạm khóa đăng nhập")).to_be_visible()
    assert page.get_by_text("Vui lòng thử lại sau 30 phút.").is_visible()
    assert_fits(page)
    screenshot(page, "lockout")

    sign_in(page, "quantri.lb")
    page.goto("/quan-tri/auth/user/")
    row = page.locator("#result_list tr", has=page.get_by_role("link", name="motcua", exact=True))
    assert row.locator("td.field-failures").inner_text() == "5"
    screenshot(page, "accounts")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(
        label="Mở khóa đăng nhập cho tài khoản đã chọn"
    )
    page.get_by_role("button", name="Đi đến").click()
    expect(page.get_by_text("Đã mở khóa đăng nhập cho 1 tài khoản.")).to_be_visible()
    assert not AccessAttempt.objects.filter(username="motcua").exists()
    screenshot(page, "unlocked")

    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    expect(page.get_by_role("heading", name=dossier.code)).to_be_visible()
    page.goto("/quan-tri/audit/accessrecord/")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(dossier.code)
    expect(row).to_contain_text("Xem hồ sơ")
    expect(
        page.get_by_role("heading", name="Chọn lượt truy cập dữ liệu cá nhân để xem")
    ).to_be_visible()
    screenshot(page, "access-log")

    sign_in(page, "motcua")
    expect(page.get_by_role("heading", name="Bảng điều khiển")).to_be_visible()


def test_enrolment_fits_a_phone(phone_page, catalogue, settings, screenshot):
    settings.OTP_REQUIRED = True
    make_officer("motcua", Role.RECEIVING, agencies=[catalogue["long_bien"]])
    sign_in(phone_page, "motcua")
    phone_page.wait_for_url("**/quan-tri/xac-thuc-hai-lop/")
    assert phone_page.locator("#otp-qr").is_visible()
    assert_fits(phone_page)
    screenshot(phone_page, "enrol")
