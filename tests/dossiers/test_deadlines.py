"""Working-time arithmetic around weekends, Tết 2026 (16–20 February) and the 15:00 rule."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from dossiers.deadlines import WorkCalendar
from procedures.constants import ProcessingTimeKind

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
calendar = WorkCalendar()


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


def same_day():
    return SimpleNamespace(
        processing_time_kind=ProcessingTimeKind.SAME_DAY,
        processing_days=0,
        same_day_cutoff=datetime.time(15, 0),
    )


def days(n):
    return SimpleNamespace(
        processing_time_kind=ProcessingTimeKind.WORKING_DAYS,
        processing_days=n,
        same_day_cutoff=datetime.time(15, 0),
    )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-23 09:00", "2026-11-23 17:00"),  # Monday morning: today
        ("2026-11-23 15:00", "2026-11-23 17:00"),  # exactly 15:00 still counts as today
        (
            "2026-11-23 15:01",
            "2026-11-25 17:00",
        ),  # after 15:00: next working day (24/11 is a holiday)
        ("2026-11-27 16:30", "2026-11-30 17:00"),  # Friday after 15:00: Monday
        ("2026-11-28 10:00", "2026-11-30 17:00"),  # Saturday: Monday
        ("2026-02-13 16:00", "2026-02-23 17:00"),  # Friday before Tết: after the holiday
        ("2026-02-18 09:00", "2026-02-23 17:00"),  # during Tết
        ("2026-11-23 06:30", "2026-11-23 17:00"),  # before opening: today
    ],
)
def test_same_day_rule(received, due):
    assert calendar.due_at(same_day(), at(received)) == at(due)


@pytest.mark.parametrize(
    ("received", "n", "due"),
    [
        ("2026-11-16 09:00", 3, "2026-11-19 09:00"),  # Mon 9:00 + 3 days = Thu 9:00
        ("2026-11-20 16:00", 1, "2026-11-23 16:00"),  # Fri 16:00 + 8h = Mon 16:00
        ("2026-11-21 10:00", 1, "2026-11-23 17:00"),  # Saturday counts from Monday opening
        ("2026-11-16 12:00", 1, "2026-11-17 11:30"),  # lunch break does not count
        ("2026-02-12 09:00", 3, "2026-02-24 09:00"),  # Thu before Tết: Thu, Fri, Mon 23, Tue 24
        ("2026-04-24 08:00", 2, "2026-04-29 08:00"),  # Hùng Kings observed on Mon 27/4
    ],
)
def test_working_days_count_working_hours(received, n, due):
    assert calendar.due_at(days(n), at(received)) == at(due)


def test_saturday_worked_in_exchange_counts():
    # 26/04/2025 was a working Saturday, traded for Friday 02/05/2025.
    assert calendar.is_working_day(datetime.date(2025, 4, 26))
    assert not calendar.is_working_day(datetime.date(2025, 5, 2))


def test_extra_holidays_from_settings():
    province = WorkCalendar(extra_holidays=frozenset({datetime.date(2026, 11, 25)}))
    assert province.due_at(same_day(), at("2026-11-23 16:00")) == at("2026-11-26 17:00")


def test_working_seconds_between_skips_nights_weekends_and_holidays():
    start, end = at("2026-02-13 16:00"), at("2026-02-23 08:00")
    assert calendar.working_seconds_between(start, end) == 2 * 3600  # Fri 16–17, Mon 7–8
    assert calendar.working_seconds_between(end, start) == 0


def test_adding_no_time_changes_nothing_even_at_closing_time():
    closing = at("2026-11-23 17:00")
    assert calendar.add_working_hours(closing, 0) == closing


def test_add_hours_and_seconds_between_agree():
    start = at("2026-11-20 10:15")
    for hours in [0.5, 3, 8, 17.25, 40]:
        end = calendar.add_working_hours(start, hours)
        assert calendar.working_seconds_between(start, end) == round(hours * 3600)
