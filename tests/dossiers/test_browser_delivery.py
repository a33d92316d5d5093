"""The result beyond the counter, in the browser: sent by post (the desk records the item number,
then the post's return of it; the citizen reads the number in the lookup), and issued online (the
desk issues it, the citizen downloads it and checks it on its verification page, a leader
revokes it)."""

import pytest
from django.utils.timezone import localtime

from dossiers.constants import PostalState
from dossiers.models import IssuedResult, PostalItem
from tests.dossiers.factories import in_state
from tests.dossiers.test_browser_backoffice import act, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_the_desk_sends_the_result_by_post_and_the_citizen_follows_it(
    page, catalogue, desk, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    dossier = in_state("resolved", catalogue, desk, delivery="post")
    log_in(page, "motcua")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    page.locator("#dossier-actions").get_by_role("link", name="Trả kết quả", exact=True).click()
    assert page.get_by_label("Qua dịch vụ bưu chính công ích").is_checked()
    page.get_by_label("Ghi chú").fill("Gửi EMS")
    page.locator("#action-form input[type=submit]").click()
    # No number: the form says what is missing and keeps the note.
    assert page.get_by_text(
        "Vui lòng nhập số hiệu bưu gửi khi trả kết quả qua bưu chính."
    ).is_visible()
    assert page.get_by_label("Ghi chú").input_value() == "Gửi EMS"
    screenshot(page, f"{width}-number-missing")
    page.get_by_label("Số hiệu bưu gửi").fill("eb123456789vn")
    page.locator("#action-form input[type=submit]").click()
    assert page.get_by_text("Đã thực hiện “Trả kết quả”").is_visible()
    assert (
        page.locator(".postal-item")
        .inner_text()
        .startswith("EB123456789VN · Đã giao cho bưu chính")
    )

    act(
        page,
        "Ghi nhận kết quả phát bưu chính",
        lambda p: (
            p.get_by_label("Bưu chính chuyển hoàn").check(),
            p.get_by_label("Ghi chú").fill("Không có người nhận"),
        ),
    )
    assert (
        page.locator(".postal-item")
        .inner_text()
        .startswith("EB123456789VN · Bưu chính chuyển hoàn")
    )
    assert PostalItem.objects.get().state == PostalState.RETURNED
    screenshot(page, f"{width}-returned-by-post")

    page.context.clear_cookies()
    page.goto(f"/tra-cuu/?ma={dossier.code}")
    page.get_by_role("link", name="Xác thực bằng số điện thoại").click()
    page.get_by_label("Số điện thoại di động đã khai khi nộp hồ sơ").fill(dossier.applicant_phone)
    page.get_by_role("button", name="Xác thực").click()
    assert page.locator("#postal-item-1").inner_text() == (
        "Số hiệu bưu gửi: EB123456789VN · Bưu chính chuyển hoàn ("
        f"{localtime(PostalItem.objects.get().outcome_at):%d/%m/%Y})"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{width}-lookup")


def verify_in_lookup(page, dossier):
    page.context.clear_cookies()
    page.goto(f"/tra-cuu/?ma={dossier.code}")
    page.get_by_role("link", name="Xác thực bằng số điện thoại").click()
    page.get_by_label("Số điện thoại di động đã khai khi nộp hồ sơ").fill(dossier.applicant_phone)
    page.get_by_role("button", name="Xác thực").click()


@pytest.mark.parametrize("width", [1280, 360])
def test_an_online_result_is_issued_verified_and_revoked(page, catalogue, desk, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    dossier = in_state("resolved", catalogue, desk, delivery="online")
    log_in(page, "motcua")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    act(
        page,
        "Phát hành kết quả điện tử",
        lambda p: (
            p.get_by_label("Số, ký hiệu văn bản").fill("125/QĐ-UBND"),
            p.get_by_label("Ngày ký").fill(localtime().strftime("%Y-%m-%d")),
        ),
    )
    assert page.locator("#issued-result").inner_text().startswith("Số 125/QĐ-UBND · ký ngày")
    screenshot(page, f"{width}-issued")

    verify_in_lookup(page, dossier)
    with page.expect_download() as download:
        page.locator("#result-link").click()
    assert download.value.suggested_filename == f"ket-qua-{dossier.code}.pdf"
    page.locator("#issued-result").get_by_role("link", name="Trang xác thực").click()
    assert page.locator("#result-state").inner_text().startswith("Còn hiệu lực")
    assert page.locator("#result-sha256").inner_text() == IssuedResult.objects.get().sha256
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{width}-verification")
    verification = page.url

    log_in(page, "lanhdao")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    act(page, "Thu hồi kết quả", lambda p: p.get_by_label("Lý do").fill("Sai năm sinh"))
    page.goto(verification)
    assert page.locator("#result-state").inner_text().startswith("Đã thu hồi")
    assert page.get_by_text("Lý do: Sai năm sinh").is_visible()
    screenshot(page, f"{width}-revoked")
