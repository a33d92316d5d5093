"""The calendar in force for an agency: the national one as its province has corrected it."""

import datetime
from dataclasses import dataclass, field

from calendars.constants import DayKind
from calendars.models import CalendarDay
from calendars.workdays import DEFAULT_SESSIONS, WorkCalendar, national_calendar
from officers.constants import Role
from officers.selectors import user_agencies, user_roles
from procedures.constants import AgencyTier
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


@dataclass
class Scope:
    """The provinces whose calendar a user reads, and those they correct (by pk)."""

    viewable: dict[int, Agency] = field(default_factory=dict)
    editable: set[int] = field(default_factory=set)

    def editable_provinces(self) -> list[Agency]:
        return [province for pk, province in self.viewable.items() if pk in self.editable]

    def default(self) -> Agency | None:
        """The province shown when none is asked for: the first the user corrects, if any."""
        return next(iter(self.editable_provinces() or self.viewable.values()), None)


def calendar_scope(user) -> Scope:
    """Return the provinces whose calendar `user` reads and those they correct."""
    provinces = Agency.objects.filter(tier=AgencyTier.PROVINCE, is_active=True).order_by("name")
    if not user.is_active or not user.is_staff:
        return Scope()
    if user.is_superuser:
        rows = {province.pk: province for province in provinces}
        return Scope(viewable=rows, editable=set(rows))
    if Role.ADMINISTRATOR not in user_roles(user):
        return Scope()
    agencies = [(row["pk"], row["tier"], row["province"]) for row in user_agencies(user)]
    rows = {
        province.pk: province
        for province in provinces.filter(pk__in={province for _pk, _tier, province in agencies})
    }
    editable = {pk for pk, tier, _province in agencies if tier == AgencyTier.PROVINCE}
    return Scope(viewable=rows, editable=editable & set(rows))
