"""A province administrator corrects the calendar; every deadline then follows it."""

import datetime

from django.db import transaction
from django.dispatch import Signal

from calendars.models import CalendarDay

# Sent (province_id, days) inside the transaction that changed the calendar: receivers move the
# deadlines the days touch (dossiers.signals), after commit.
calendar_changed = Signal()


@transaction.atomic
def calendar_day_save(*, day: CalendarDay, actor=None, previous: datetime.date | None = None):
    """Save a correction (validated), and announce the days whose status may have changed."""
    day.updated_by = actor
    day.full_clean()
    day.save()
    days = {day.day} | ({previous} if previous and previous != day.day else set())
    calendar_changed.send(CalendarDay, province_id=day.province_id, days=sorted(days))
    return day


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay) -> None:
    """Remove a correction: the national calendar applies to that day again."""
    province_id, date = day.province_id, day.day
    day.delete()
    calendar_changed.send(CalendarDay, province_id=province_id, days=[date])
