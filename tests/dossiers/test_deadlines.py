"""Working-time arithmetic around weekends, Tết 2026 (16–20 February) and the 15:00 rule;
days counted to the close of the last one (Bộ luật Dân sự, Điều 147–148) or hours from the minute
of receipt; Saturday mornings; pauses (calendars.workdays)."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from calendars.workdays import WorkCalendar
from procedures.constants import DeadlineUnit, ProcessingTimeKind

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
calendar = WorkCalendar()


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


def same_day():
    return SimpleNamespace(
        processing_time_kind=ProcessingTimeKind.SAME_DAY,
        processing_days=0,
        same_day_cutoff=datetime.time(15, 0),
        deadline_unit=DeadlineUnit.DAYS,
    )


def days(n, unit=DeadlineUnit.DAYS):
    return SimpleNamespace(
        processing_time_kind=ProcessingTimeKind.WORKING_DAYS,
        processing_days=n,
        same_day_cutoff=datetime.time(15, 0),
        deadline_unit=unit,
    )


def hours(n):
    return days(n, DeadlineUnit.HOURS)


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
def test_working_hours_count_from_the_minute_of_receipt(received, n, due):
    assert calendar.due_at(hours(n), at(received)) == at(due)


@pytest.mark.parametrize(
    ("received", "n", "due"),
    [
        # Mon 16/11 is not counted: Tue, Wed, Thu; due at the close of Thursday.
        ("2026-11-16 09:00", 3, "2026-11-19 17:00"),
        ("2026-11-16 16:59", 3, "2026-11-19 17:00"),  # the minute of receipt does not matter
        ("2026-11-20 16:00", 1, "2026-11-23 17:00"),  # Friday: Monday
        ("2026-11-21 10:00", 1, "2026-11-23 17:00"),  # Saturday: Monday is the first day
        ("2026-11-20 09:00", 2, "2026-11-25 17:00"),  # Mon 23, (Tue 24/11 holiday), Wed 25
        ("2026-02-12 09:00", 3, "2026-02-24 17:00"),  # Fri 13, (Tết), Mon 23, Tue 24
        ("2026-08-21 09:00", 1, "2026-08-22 17:00"),  # Sat 22/8/2026 is worked (for 31/8)
        ("2026-08-28 09:00", 1, "2026-09-03 17:00"),  # 31/8, 1/9, 2/9 off
    ],
)
def test_working_days_end_at_the_close_of_the_last_day(received, n, due):
    assert calendar.due_at(days(n), at(received)) == at(due)


def test_a_result_at_16h_on_the_due_day_is_on_time():
    due = calendar.due_at(days(3), at("2026-11-16 09:00"))
    assert at("2026-11-19 16:00") <= due


def test_saturday_worked_in_exchange_counts():
    # 26/04/2025 was a working Saturday, traded for Friday 02/05/2025.
    assert calendar.is_working_day(datetime.date(2025, 4, 26))
    assert not calendar.is_working_day(datetime.date(2025, 5, 2))


def test_a_province_day_off_and_a_make_up_day():
    province = WorkCalendar(
        days_off=frozenset({datetime.date(2026, 11, 25)}),
        working_days=frozenset({datetime.date(2026, 11, 24), datetime.date(2026, 11, 28)}),
    )
    assert province.due_at(same_day(), at("2026-11-23 16:00")) == at("2026-11-24 17:00")
    # Tue 24 worked, Wed 25 off, Thu 26, Fri 27, Sat 28 worked.
    assert province.due_at(days(4), at("2026-11-23 09:00")) == at("2026-11-28 17:00")


LONG_BIEN = WorkCalendar(
    sessions=((datetime.time(8), datetime.time(12)), (datetime.time(13), datetime.time(17))),
    saturday_sessions=((datetime.time(8), datetime.time(12)),),
)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-28 09:00", "2026-11-28 12:00"),  # Saturday morning, two hours before noon
        ("2026-11-28 10:00", "2026-11-28 12:00"),
        ("2026-11-28 10:01", "2026-11-30 17:00"),  # too late for the morning: Monday
        ("2026-11-29 09:00", "2026-11-30 17:00"),  # Sunday: closed
        ("2026-08-29 11:00", "2026-09-03 17:00"),  # too late, before 31/8–2/9: Thursday
    ],
)
def test_saturday_mornings_return_same_day_results(received, due):
    assert LONG_BIEN.due_at(same_day(), at(received)) == at(due)


def test_a_saturday_morning_is_not_a_working_day_of_a_deadline():
    # Received Saturday 28/11: Mon 30, Tue 1, Wed 2 December.
    assert LONG_BIEN.due_at(days(3), at("2026-11-28 09:00")) == at("2026-12-02 17:00")
    assert LONG_BIEN.due_at(hours(1), at("2026-11-28 09:00")) == at("2026-11-30 17:00")
    closed = WorkCalendar()  # without Saturday sessions, the same deadlines
    assert closed.due_at(days(3), at("2026-11-28 09:00")) == at("2026-12-02 17:00")
    assert closed.due_at(same_day(), at("2026-11-28 09:00")) == at("2026-11-30 17:00")


def test_a_same_day_dossier_restarts_its_day_after_a_supplement():
    """The issue's case: accepted Wed 10:00, supplement asked 16:00, answered Thu 09:00."""
    due = calendar.due_at(same_day(), at("2026-12-02 10:00"))
    assert due == at("2026-12-02 17:00")
    resumed = calendar.resume(same_day(), due, at("2026-12-02 16:00"), at("2026-12-03 09:00"))
    assert resumed == at("2026-12-03 17:00")
    late = calendar.resume(same_day(), due, at("2026-12-02 16:00"), at("2026-12-03 15:30"))
    assert late == at("2026-12-04 17:00")


def test_a_pause_moves_a_day_deadline_to_the_close_of_its_day():
    due = calendar.due_at(days(3), at("2026-11-16 09:00"))  # Thu 19/11 17:00
    # Paused Tue 10:00 to Wed 10:00: 7 working hours (10–11:30, 13:30–17, 7–10 on Wed).
    moved = calendar.resume(days(3), due, at("2026-11-17 10:00"), at("2026-11-18 10:00"))
    assert moved == at("2026-11-20 17:00")
    # Counted in hours, the same pause moves the due time by exactly those hours.
    due = calendar.due_at(hours(3), at("2026-11-16 09:00"))
    assert due == at("2026-11-19 09:00")
    moved = calendar.resume(hours(3), due, at("2026-11-17 10:00"), at("2026-11-18 10:00"))
    assert moved == at("2026-11-20 09:00")
    assert calendar.resume(days(3), due, at("2026-11-17 18:00"), at("2026-11-17 19:00")) == due


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
