"""The calendar in force for an agency: the national one as its province has corrected it."""

import datetime

from calendars.constants import DayKind
from calendars.models import CalendarDay
from calendars.workdays import DEFAULT_SESSIONS, WorkCalendar, national_calendar
from procedures.hours import parse_sessions
from procedures.models import Agency, Procedure


def work_calendar(agency: Agency, procedure: Procedure | None = None) -> WorkCalendar:
    """Return `agency`'s working calendar, for `procedure` (Saturday mornings are per field)."""
    corrections = dict(
        CalendarDay.objects.filter(province_id=agency.province_id).values_list("day", "kind")
    )
    saturday = ()
    if agency.saturday_sessions and procedure is not None:
        fields = set(agency.saturday_fields.values_list("pk", flat=True))
        if not fields or procedure.field_id in fields:
            saturday = parse_sessions(agency.saturday_sessions)
    return WorkCalendar(
        sessions=parse_sessions(agency.weekday_sessions) or DEFAULT_SESSIONS,
        saturday_sessions=saturday,
        days_off=frozenset(day for day, kind in corrections.items() if kind == DayKind.DAY_OFF),
        working_days=frozenset(
            day for day, kind in corrections.items() if kind == DayKind.WORKING_DAY
        ),
    )


def year_days(province: Agency, year: int) -> list[dict]:
    """Every day off on a weekday and every weekend working day of `year` in `province`, with
    where it comes from: the national calendar, the province's correction, or both."""
    national = national_calendar()
    national.get(datetime.date(year, 1, 1))  # fills in the year
    corrections = {
        row.day: row for row in CalendarDay.objects.filter(province=province, day__year=year)
    }
    days = {day for day in national if day.year == year}
    days |= {day for day in national.weekend_workdays if day.year == year}
    days |= set(corrections)
    rows = []
    for day in sorted(days):
        national_working = national.is_working_day(day)
        correction = corrections.get(day)
        working = (
            correction.kind == DayKind.WORKING_DAY if correction is not None else national_working
        )
        if working == (day.weekday() < 5) and correction is None:
            continue  # a holiday on a weekend: nothing to show
        rows.append(
            {
                "day": day,
                "working": working,
                "national_name": national.get(day) or "",
                "national_working": national_working,
                "correction": correction,
            }
        )
    return rows
