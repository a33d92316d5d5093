import shutil

import pytest
import time_machine

from tests.stats.conftest import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = {"desktop": 1280, "phone": 360}


@pytest.fixture
def clock():
    """The clock ticks from NOW: the live server and the browser run while it does."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_statistics_page(request, size, computed, screenshot):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    page.goto("/")
    page.get_by_role("link", name="Thống kê").click()
    page.get_by_label("Tỉnh, thành phố").select_option(label="Thành phố Hà Nội")
    page.get_by_label("Năm").select_option("2026")
    page.get_by_label("Tháng").select_option(label="Tháng 11")
    page.get_by_role("button", name="Xem").click()
    assert page.locator("#stats-scope").inner_text() == "Thành phố Hà Nội · 11/2026"
    assert (
        page.locator("#stats-computed")
        .inner_text()
        .startswith("Số liệu tính lúc 09:00 10/12/2026, cập nhật mỗi 15 phút.")
    )
    assert page.locator("#stat-received").inner_text() == "10"
    assert page.locator("#stat-refused").inner_text() == "1"
    assert page.locator("#stat-not-accepted").inner_text() == "2"
    assert page.locator("#pending-paused").inner_text() == "2"
    assert page.locator("#bar-resolved rect").count() == 4  # background and three segments
    assert page.locator("#bar-pending rect").count() == 4  # in time, overdue, paused
    assert page.locator("#indicator-on_time_rate .indicator-value").inner_text() == "50%"
    assert "chưa triển khai" in page.locator("#indicator-online_payment").inner_text()
    assert page.locator("#stats-definitions li").count() == 7
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shutil.copy(screenshot(page, size), f"/tmp/stats-{WIDTHS[size]}.png")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        assert "Hồ sơ tiếp nhận,10" in handle.read()
