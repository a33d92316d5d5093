"""Working-time arithmetic: the one module that turns processing times into due dates.

Real one-stop systems count working hours: 8 a day, in the office sessions (7:00–11:30 and
13:30–17:00 by default), skipping weekends and Vietnamese public holidays (the `holidays` package's
VN calendar, which includes Tết, substitute days off and the Saturdays worked in exchange).
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

import holidays
from django.conf import settings
from django.utils import timezone

from procedures.constants import ProcessingTimeKind

Session = tuple[datetime.time, datetime.time]
DEFAULT_SESSIONS: tuple[Session, ...] = (
    (datetime.time(7, 0), datetime.time(11, 30)),
    (datetime.time(13, 30), datetime.time(17, 0)),
)


@dataclass(frozen=True)
class WorkCalendar:
    sessions: tuple[Session, ...] = DEFAULT_SESSIONS
    extra_holidays: frozenset[datetime.date] = field(default_factory=frozenset)

    def __post_init__(self):
        object.__setattr__(self, "_holidays", holidays.VN())

    @property
    def hours_per_day(self) -> float:
        return sum(_seconds(start, end) for start, end in self.sessions) / 3600

    def is_working_day(self, day: datetime.date) -> bool:
        return day not in self.extra_holidays and self._holidays.is_working_day(day)

    def working_day_on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def next_working_day(self, day: datetime.date) -> datetime.date:
        return self.working_day_on_or_after(day + datetime.timedelta(days=1))

    def close_of(self, day: datetime.date) -> datetime.datetime:
        """Return when the office closes on `day`, as an aware local datetime."""
        return _local(day, self.sessions[-1][1])

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """Return the moment `hours` working hours after `start` (aware; any time zone)."""
        remaining = round(hours * 3600)
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

    def due_at(self, procedure, received_at: datetime.datetime) -> datetime.datetime:
        """Return when a dossier of `procedure` received at `received_at` is due.

        Same-day procedures: due at closing time that day when received on a working day by the
        procedure's cut-off (15:00, "quy định 15 giờ"); otherwise at closing time of the next
        working day. Others: the processing days counted as working hours from reception.
        """
        local = timezone.localtime(received_at)
        if procedure.processing_time_kind == ProcessingTimeKind.SAME_DAY:
            day = local.date()
            if not self.is_working_day(day):
                return self.close_of(self.working_day_on_or_after(day))
            if local.time() <= procedure.same_day_cutoff:
                return self.close_of(day)
            return self.close_of(self.next_working_day(day))
        return self.add_working_hours(local, procedure.processing_days * self.hours_per_day)


def _seconds(start: datetime.time, end: datetime.time) -> float:
    return (
        datetime.datetime.combine(datetime.date.min, end)
        - datetime.datetime.combine(datetime.date.min, start)
    ).total_seconds()


def _local(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


@cache
def calendar() -> WorkCalendar:
    """Return the portal's working calendar, from settings (WORK_SESSIONS, EXTRA_HOLIDAYS)."""
    sessions = tuple(
        (datetime.time.fromisoformat(a), datetime.time.fromisoformat(b))
        for a, b in getattr(settings, "WORK_SESSIONS", ())
    )
    extra = frozenset(
        datetime.date.fromisoformat(day) for day in getattr(settings, "EXTRA_HOLIDAYS", ())
    )
    return WorkCalendar(sessions=sessions or DEFAULT_SESSIONS, extra_holidays=extra)
