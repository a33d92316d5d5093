"""Working-time arithmetic: the one module that turns processing times into due dates.

A deadline is counted in an agency's office sessions on working days: Monday to Friday but for
the holidays of the `holidays` package's VN calendar (Tết, substitute days off, the Saturdays
worked in exchange), as corrected by the province (calendars.models.CalendarDay). An agency open
on Saturday mornings receives dossiers then, and returns same-day results then, but a Saturday
is not a working day of a deadline (Bộ luật Lao động 2019, Điều 105; Nghị định 61/2018/NĐ-CP).

Three rules, chosen per procedure (procedures.constants):
- same day ("trong ngày"): due at the close of the day of receipt if received by the cut-off
  (15:00, or two hours before an earlier close), else at the close of the next working day;
- working days (the default, Bộ luật Dân sự 2015, Điều 147–148): the day of receipt is not
  counted; due at the close of the last working day;
- working hours: counted from the minute of receipt.
A pause (a supplement requested, a fee awaited where the procedure says so) moves the deadline
by the working time it lasted (`resume`); a same-day dossier restarts its day instead.
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

import holidays
from django.utils import timezone

from procedures.constants import DeadlineUnit, ProcessingTimeKind
from procedures.hours import Session

DEFAULT_SESSIONS: tuple[Session, ...] = (
    (datetime.time(7, 0), datetime.time(11, 30)),
    (datetime.time(13, 30), datetime.time(17, 0)),
)
# A same-day dossier must reach the desk this long before closing to be returned the same day.
SAME_DAY_MARGIN = datetime.timedelta(hours=2)
SATURDAY = 5


@cache
def national_calendar() -> holidays.HolidayBase:
    """The package's VN calendar (its years are filled in on first use)."""
    return holidays.VN(language="vi")


@dataclass(frozen=True)
class WorkCalendar:
    sessions: tuple[Session, ...] = DEFAULT_SESSIONS
    # Sessions on Saturday mornings, for the procedures received then (empty: closed).
    saturday_sessions: tuple[Session, ...] = ()
    # The province's corrections to the national calendar.
    days_off: frozenset[datetime.date] = field(default_factory=frozenset)
    working_days: frozenset[datetime.date] = field(default_factory=frozenset)

    @property
    def hours_per_day(self) -> float:
        return sum(_seconds(start, end) for start, end in self.sessions) / 3600

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.days_off:
            return False
        if day in self.working_days:
            return True
        return national_calendar().is_working_day(day)

    def sessions_on(self, day: datetime.date) -> tuple[Session, ...]:
        """The sessions the office is open on `day` (Saturday mornings included)."""
        if self.is_working_day(day):
            return self.sessions
        if (
            day.weekday() == SATURDAY
            and self.saturday_sessions
            and day not in self.days_off
            and day not in national_calendar()
        ):
            return self.saturday_sessions
        return ()

    def working_day_on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def next_working_day(self, day: datetime.date) -> datetime.date:
        return self.working_day_on_or_after(day + datetime.timedelta(days=1))

    def close_of(self, day: datetime.date) -> datetime.datetime:
        """Return when the office closes on `day`, as an aware local datetime."""
        sessions = self.sessions_on(day) or self.sessions
        return _local(day, sessions[-1][1])

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """Return the moment `hours` working hours after `start` (aware; any time zone)."""
        return self.add_working_seconds(start, round(hours * 3600))

    def add_working_seconds(self, start: datetime.datetime, seconds: int) -> datetime.datetime:
        remaining = seconds
        moment = timezone.localtime(start)
        if remaining <= 0:
            return moment
        day = moment.date()
        while True:
            if self.is_working_day(day):
                for open_at, close_at in self.sessions:
                    begin = max(moment, _local(day, open_at))
                    end = _local(day, close_at)
                    if begin >= end:
                        continue
                    available = (end - begin).total_seconds()
                    if remaining <= available:
                        return begin + datetime.timedelta(seconds=remaining)
                    remaining -= available
            day += datetime.timedelta(days=1)
            moment = _local(day, datetime.time(0, 0))

    def working_seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Return the working time between two moments, in seconds (0 if `end` is earlier)."""
        start, end = timezone.localtime(start), timezone.localtime(end)
        total = 0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for open_at, close_at in self.sessions:
                    begin = max(start, _local(day, open_at))
                    finish = min(end, _local(day, close_at))
                    if finish > begin:
                        total += (finish - begin).total_seconds()
            day += datetime.timedelta(days=1)
        return int(total)

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `day` (`day` itself not counted)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def same_day_due(self, procedure, moment: datetime.datetime) -> datetime.datetime:
        local = timezone.localtime(moment)
        day = local.date()
        sessions = self.sessions_on(day)
        if sessions:
            close = _local(day, sessions[-1][1])
            cutoff = min(_local(day, procedure.same_day_cutoff), close - SAME_DAY_MARGIN)
            if local <= cutoff:
                return close
        return self.close_of(self.next_working_day(day))

    def due_at(self, procedure, received_at: datetime.datetime) -> datetime.datetime:
        """Return the legal due date of a dossier of `procedure` received at `received_at`."""
        if procedure.processing_time_kind == ProcessingTimeKind.SAME_DAY:
            return self.same_day_due(procedure, received_at)
        if procedure.deadline_unit == DeadlineUnit.HOURS:
            return self.add_working_hours(
                received_at, procedure.processing_days * self.hours_per_day
            )
        day = timezone.localtime(received_at).date()
        return self.close_of(self.add_working_days(day, max(procedure.processing_days, 1)))

    def resume(
        self,
        procedure,
        due: datetime.datetime,
        paused_at: datetime.datetime,
        resumed_at: datetime.datetime,
    ) -> datetime.datetime:
        """Return `due` moved by a pause from `paused_at` to `resumed_at`.

        The working time the pause lasted is added (the time waiting for the citizen is not the
        agency's); counted in days, the deadline then runs to the close of its day. A same-day
        dossier restarts its day: due that day if resumed by the cut-off, else the next day.
        """
        if procedure.processing_time_kind == ProcessingTimeKind.SAME_DAY:
            return max(timezone.localtime(due), self.same_day_due(procedure, resumed_at))
        waited = self.working_seconds_between(paused_at, resumed_at)
        moved = self.add_working_seconds(due, waited)
        if waited and procedure.deadline_unit == DeadlineUnit.DAYS:
            moved = max(moved, self.close_of(moved.date()))
        return moved


def _seconds(start: datetime.time, end: datetime.time) -> float:
    return (
        datetime.datetime.combine(datetime.date.min, end)
        - datetime.datetime.combine(datetime.date.min, start)
    ).total_seconds()


def _local(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))
