"""The record's days are Vietnamese days (Asia/Ho_Chi_Minh, UTC+7), not UTC days.

Regression tests for issue 12: between 00:00 and 07:00 local time the UTC date is still the day
before, so code that takes `.date()` of an aware datetime judged and filtered against the wrong day.
Each freezes the clock just after local midnight.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dossiers import services, slips
from procedures.constants import DeadlineUnit
from tests.dossiers.factories import submitted

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


def test_control_slip_judges_a_hand_over_after_local_midnight_on_its_local_day(catalogue, desk):
    # Cause: dossiers/slips.py compared created_at.date() with due.date(), both UTC dates; a
    # hand-over at 00:30 on the due day was dated the day before and printed "Trước hạn".
    procedure = catalogue["khai_tu"]
    procedure.processing_days = 1
    procedure.deadline_unit = DeadlineUnit.HOURS  # due at 09:00 the next day
    procedure.save()
    with time_machine.travel(local("2026-12-07 09:00"), tick=False):  # Monday
        dossier = submitted(procedure, catalogue["long_bien"])
        services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    with time_machine.travel(local("2026-12-08 00:30"), tick=False):  # Tuesday, 17:30 UTC Monday
        services.dossier_forward(
            dossier_id=dossier.pk, actor=desk["receiving"], department=desk["justice"]
        )
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at) == local("2026-12-08 09:00")
    rows = slips.control_rows(dossier)
    assert [(row["event"].action, row["result"]) for row in rows] == [
        ("accept", "Trước hạn"),
        ("forward", "Đúng hạn"),
    ]


def test_register_of_today_lists_a_dossier_accepted_just_after_local_midnight(
    client, catalogue, desk
):
    # Cause: the register test built its filter from submitted_at.date(), the UTC day, while the
    # register filters by the local day (tests/dossiers/test_admin.py, failing 17:00–24:00 UTC).
    with time_machine.travel(local("2026-12-08 00:05"), tick=False):
        dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
        services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
        client.force_login(desk["receiving"])
        response = client.get(
            reverse("admin:dossiers_dossier_register"),
            {"start": "2026-12-08", "end": "2026-12-08", "format": "csv"},
        )
        assert timezone.localdate() == datetime.date(2026, 12, 8)
    dossier.refresh_from_db()
    assert dossier.received_at.date() == datetime.date(2026, 12, 7)  # the UTC day differs
    assert dossier.code.split("-")[1] == "261208"
    text = response.content.decode("utf-8-sig")
    assert dossier.code in text
    assert "08/12/2026 00:05" in text
