"""A citizen finds a procedure without typing diacritics, reads it and downloads its blank form."""

import re

import pytest

from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download_pdf_text(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    download = info.value
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    return download.suggested_filename, pdf_text(data)


def test_search_open_and_download_form(page, catalogue, screenshot):
    page.goto("/")
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"/thu-tuc/\?q=dang"))
    assert page.get_by_role("heading", name="Tìm thấy 1 thủ tục").is_visible()
    screenshot(page, "search")

    page.get_by_role("link", name="Đăng ký khai sinh").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký khai sinh"
    assert page.get_by_text("Dịch vụ công trực tuyến một phần").is_visible()
    assert page.get_by_role("cell", name="Giấy chứng sinh").is_visible()
    screenshot(page, "detail")

    filename, text = download_pdf_text(page, "Tải tờ khai (PDF)")
    assert filename == "to-khai-dang-ky-khai-sinh.pdf"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Họ, chữ đệm, tên" in text
    assert "Ngày, tháng, năm sinh" in text


def test_filter_by_province_then_ward(page, catalogue):
    page.goto("/")
    page.get_by_role("link", name="Các dịch vụ công có thể thực hiện trực tuyến").click()
    results = page.locator("#results .procedure-link")
    assert results.all_inner_texts() == [
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Đăng ký khai sinh",
    ]
    # Choosing a province reloads the page with its wards in the next list.
    page.get_by_label("Tỉnh, thành phố").select_option(label="Thành phố Hà Nội")
    page.wait_for_url(re.compile(r"tinh=000\.00\.00\.H26"))
    page.get_by_label("Xã, phường hoặc cơ quan").select_option(label="Phường Long Biên")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"co_quan=000\.01\.00\.H26"))
    assert results.all_inner_texts() == ["Đăng ký khai sinh"]


def test_catalogue_and_procedure_fit_a_360px_phone(phone_page, catalogue, screenshot):
    page = phone_page
    for url in ["/", "/thu-tuc/?q=khai+sinh", "/thu-tuc/1.001193/"]:
        page.goto(url)
        # Nothing wider than the screen: no sideways scrolling on a small phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width}px wide"
    screenshot(page, "detail-360")
    filename, text = download_pdf_text(page, "Tải tờ khai (PDF)")
    assert "Giới tính" in text


def test_skip_link_and_landmarks(page, catalogue):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    for role in ["banner", "main", "contentinfo", "navigation", "search"]:
        assert page.get_by_role(role).count() >= 1, role
