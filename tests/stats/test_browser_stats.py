import datetime

import pytest

from stats import services
from tests.stats.test_statistics import NOW, november  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_statistics_page(request, size, november, screenshot):  # noqa: F811
    services.stats_refresh_month(month=datetime.date(2026, 11, 1), now=NOW)
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    page.goto("/")
    page.get_by_role("link", name="Thống kê").click()
    page.get_by_label("Tỉnh, thành phố").select_option(label="Thành phố Hà Nội")
    page.get_by_label("Năm").select_option("2026")
    page.get_by_label("Tháng").select_option(label="Tháng 11")
    page.get_by_role("button", name="Xem").click()
    assert page.locator("#stats-scope").inner_text() == "Thành phố Hà Nội · 11/2026"
    assert page.locator("#stat-received").inner_text() == "7"
    assert page.locator("#bar-resolved rect").count() == 4  # background and three segments
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, size)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        assert "Hồ sơ tiếp nhận,7" in handle.read()
