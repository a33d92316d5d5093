"""A province administrator corrects the calendar in the browser: 24/11/2026 becomes a
working day in one click."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from calendars.constants import DayKind
from calendars.models import CalendarDay
from officers.constants import Role
from tests.dossiers.factories import make_officer
from tests.dossiers.test_browser_backoffice import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def clock():
    # The year view opens on this year: 2026, whenever the suite runs. The clock ticks on, for
    # the live server and the browser's cookies.
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=HCM), tick=True):
        yield


@pytest.mark.parametrize("width", [1280, 360])
def test_province_administrator_turns_24_11_into_a_working_day(
    page, catalogue, clock, screenshot, width
):
    make_officer("quantri.hanoi", Role.ADMINISTRATOR, agencies=[catalogue["hanoi"]])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "quantri.hanoi")
    page.get_by_role("link", name="Lịch ngày nghỉ, ngày làm bù").first.click()
    expect(page.get_by_role("heading", name="Thành phố Hà Nội")).to_be_visible()
    assert page.get_by_label("Năm").input_value() == "2026"
    row = page.locator("#ngay-2026-11-24")
    expect(row.locator(".day-national")).to_have_text("Ngày Văn hóa Việt Nam")
    expect(row.locator(".day-state")).to_have_text("Ngày nghỉ")
    expect(page.locator("#ngay-2026-08-22 .day-state")).to_have_text("Ngày làm bù")
    expect(page.locator("#ngay-2026-08-31 .day-national")).to_have_text(
        "Ngày nghỉ (thay cho ngày 22/08/2026)"
    )
    page.screenshot(path=f"/tmp/calendar-{width}-before.png", full_page=True)

    row.get_by_role("button", name="Chuyển thành ngày làm việc").click()

    expect(page.get_by_text("Đã chuyển ngày 24/11/2026 thành ngày làm việc.")).to_be_visible()
    row = page.locator("#ngay-2026-11-24")
    expect(row).to_have_class("working corrected")
    expect(row.locator(".day-state")).to_have_text("Ngày làm việc")
    expect(row.locator(".day-source .source-province")).to_have_text("Tỉnh điều chỉnh")
    expect(row.get_by_role("button", name="Bỏ điều chỉnh")).to_be_visible()
    row.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/calendar-{width}-after.png", full_page=True)
    screenshot(page, f"{width}-after")
    saved = CalendarDay.objects.get()
    assert (saved.province, saved.day, saved.kind) == (
        catalogue["hanoi"],
        datetime.date(2026, 11, 24),
        DayKind.WORKING_DAY,
    )
