"""On-time accounting through the real services, at frozen moments (issue 15): the legal due
date stays apart from the appointment; apologies, resets, the fee wait, a same-day supplement,
day-unit deadlines, Saturday mornings and a corrected calendar, with exact values.

Procedure of the tests: 3 working days, counted in days (the default). Office hours 07:00–11:30,
13:30–17:00. 24/11/2026 is a holiday in the national calendar (Ngày Văn hóa Việt Nam).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from calendars.constants import DayKind
from calendars.models import CalendarDay
from calendars.services import calendar_day_delete, calendar_day_save
from dossiers import services, timeliness
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.models import Dossier
from dossiers.selectors import queue_condition
from dossiers.uploads import inspect
from procedures.constants import ProcessingTimeKind
from tests.dossiers.factories import DossierFactory
from tests.dossiers.helpers import PDF_BYTES
from tests.factories import ProcedureFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.fixture
def three_days(catalogue):
    return ProcedureFactory(
        code="1.000894",
        name="Đăng ký kết hôn",
        field=catalogue["ho_tich"],
        level=3,
        processing_days=3,
        receiving_agencies=[catalogue["long_bien"]],
    )


class Desk:
    """The Long Biên officers acting at given moments."""

    def __init__(self, desk):
        self.desk = desk

    def do(self, moment: str, action, **kwargs):
        with time_machine.travel(at(moment), tick=False):
            return action(**kwargs)

    def accept(self, dossier, moment):
        self.do(moment, services.dossier_accept, dossier_id=dossier.pk, actor=self.receiving)
        self.do(
            moment,
            services.dossier_forward,
            dossier_id=dossier.pk,
            actor=self.receiving,
            department=self.desk["justice"],
            assignee=self.desk["specialist"],
        )

    def apologize(self, dossier, moment, new_appointment, reason):
        """Mẫu 04 from the desk, with a new appointment."""
        return self.do(
            moment,
            services.dossier_apologize,
            dossier_id=dossier.pk,
            actor=self.receiving,
            new_due_at=at(new_appointment),
            reason=reason,
        )

    def resolve(self, dossier, moment):
        upload = inspect(SimpleUploadedFile("ket-qua.pdf", PDF_BYTES), max_mb=10)
        self.do(
            moment,
            services.dossier_resolve,
            dossier_id=dossier.pk,
            actor=self.desk["leader"],
            result_file=upload,
        )

    @property
    def receiving(self):
        return self.desk["receiving"]


@pytest.fixture
def officers(desk):
    return Desk(desk)


def submitted(procedure, agency, moment):
    return DossierFactory(procedure=procedure, receiving_agency=agency, submitted_at=at(moment))


def reload(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def judge(dossier, moment) -> str:
    return timeliness.judge(reload(dossier), now=at(moment))


def test_days_end_at_the_close_of_the_last_day_and_16h_on_it_is_on_time(
    catalogue, three_days, officers
):
    dossier = submitted(three_days, catalogue["long_bien"], "2026-11-16 08:00")
    officers.accept(dossier, "2026-11-16 09:00")
    dossier = reload(dossier)
    # Mon 16/11 not counted: Tue 17, Wed 18, Thu 19, to the close.
    assert dossier.due_at == dossier.appointment_at == at("2026-11-19 17:00")
    assert judge(dossier, "2026-11-19 16:59") == timeliness.DUE_SOON
    assert judge(dossier, "2026-11-19 17:01") == timeliness.OVERDUE
    officers.resolve(dossier, "2026-11-19 16:00")
    assert judge(dossier, "2026-11-20 10:00") == timeliness.ON_TIME
    # Trước hạn: a day before the due day.
    early = submitted(three_days, catalogue["long_bien"], "2026-11-16 08:00")
    officers.accept(early, "2026-11-16 09:00")
    officers.resolve(early, "2026-11-18 16:00")
    assert judge(early, "2026-11-20 10:00") == timeliness.EARLY


def test_an_apology_moves_the_appointment_only_and_the_dossier_is_late(
    catalogue, three_days, officers, client
):
    dossier = submitted(three_days, catalogue["long_bien"], "2026-11-16 08:00")
    officers.accept(dossier, "2026-11-16 09:00")
    event = officers.apologize(dossier, "2026-11-19 15:00", "2026-11-26 17:00", "Chờ xác minh")
    dossier = reload(dossier)
    assert dossier.due_at == at("2026-11-19 17:00")  # hạn theo quy định, unchanged
    assert dossier.appointment_at == at("2026-11-26 17:00")  # hẹn trả, moved
    assert dossier.apologized_at == at("2026-11-19 15:00")
    assert (event.due_at, event.appointment_at) == (at("2026-11-19 17:00"), at("2026-11-26 17:00"))
    # The apology and its new date are in the history, for the citizen and for the officers.
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):
        lookup = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
        client.force_login(officers.receiving)
        page = client.get(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/").content.decode()
    for body in (lookup, page):
        assert "Xin lỗi, hẹn lại ngày trả" in body and "hẹn trả mới: 17:00 26/11/2026" in body
    assert 'id="legal-due">17:00 19/11/2026' in page and 'id="appointment">17:00 26/11/2026' in page
    # Returned on the new appointment day, a week after the legal due date: late.
    officers.resolve(dossier, "2026-11-26 10:00")
    assert judge(dossier, "2026-11-27 10:00") == timeliness.LATE


def test_an_apologized_dossier_is_late_even_if_the_result_comes_in_time(
    catalogue, three_days, officers
):
    dossier = submitted(three_days, catalogue["long_bien"], "2026-11-16 08:00")
    officers.accept(dossier, "2026-11-16 09:00")
    officers.apologize(dossier, "2026-11-17 10:00", "2026-11-25 17:00", "Thiếu cán bộ")
    officers.resolve(dossier, "2026-11-18 10:00")
    assert judge(dossier, "2026-11-20 10:00") == timeliness.LATE


def test_a_reset_moves_the_appointment_not_the_legal_due_date(catalogue, three_days, officers):
    late, early = (submitted(three_days, catalogue["long_bien"], "2026-11-16 08:00") for _ in "ab")
    for dossier in (late, early):
        officers.accept(dossier, "2026-11-16 09:00")
        officers.do(
            "2026-11-17 09:00",
            services.dossier_reset_deadline,
            dossier_id=dossier.pk,
            actor=officers.desk["leader"],
            new_due_at=at("2026-11-30 17:00"),
            reason="Đặt lại theo đề nghị của công dân",
        )
    assert reload(late).due_at == at("2026-11-19 17:00")
    assert reload(late).appointment_at == at("2026-11-30 17:00")
    assert reload(late).apologized_at is None
    officers.resolve(late, "2026-11-23 10:00")  # before the new appointment, after the due date
    officers.resolve(early, "2026-11-18 10:00")
    assert judge(late, "2026-11-30 10:00") == timeliness.LATE
    assert judge(early, "2026-11-30 10:00") == timeliness.EARLY


@pytest.mark.parametrize("pauses", [True, False])
def test_the_fee_wait_pauses_the_clock_where_the_procedure_says_so(
    catalogue, three_days, officers, pauses
):
    three_days.fee_pauses_clock = pauses
    three_days.save(update_fields=["fee_pauses_clock"])
    dossier = submitted(three_days, catalogue["long_bien"], "2026-11-16 08:00")
    officers.accept(dossier, "2026-11-16 09:00")
    officers.do(
        "2026-11-18 09:00",
        services.dossier_request_fee,
        dossier_id=dossier.pk,
        actor=officers.receiving,
    )
    paused = reload(dossier)
    assert paused.status == S.FEE_REQUESTED
    assert paused.paused_at == (at("2026-11-18 09:00") if pauses else None)
    # Friday morning, past the legal due date (Thu 17:00), the citizen has not paid yet.
    overdue = Dossier.objects.filter(
        queue_condition("qua-han", user=None, now=at("2026-11-20 08:00"))
    )
    if pauses:
        assert judge(dossier, "2026-11-20 08:00") == timeliness.PAUSED
        assert not overdue.exists()
    else:
        assert judge(dossier, "2026-11-20 08:00") == timeliness.OVERDUE
        assert list(overdue) == [paused]
    officers.do(
        "2026-11-20 09:00",
        services.dossier_confirm_fee,
        dossier_id=dossier.pk,
        actor=officers.receiving,
    )
    resumed = reload(dossier)
    assert resumed.paused_at is None
    if pauses:
        # Waited Wed 09:00–Fri 09:00: 6 + 8 + 2 = 16 working hours; Thu 17:00 + 16 h is Mon
        # 23/11 17:00 (Tue 24/11 is a holiday, not reached).
        assert resumed.due_at == resumed.appointment_at == at("2026-11-23 17:00")
    else:
        assert resumed.due_at == at("2026-11-19 17:00")


def test_a_supplement_pauses_the_clock_and_the_lookup_says_so(
    catalogue, three_days, officers, client
):
    dossier = submitted(three_days, catalogue["long_bien"], "2026-11-16 08:00")
    officers.accept(dossier, "2026-11-16 09:00")
    officers.do(
        "2026-11-17 10:00",
        services.dossier_request_supplement,
        dossier_id=dossier.pk,
        actor=officers.desk["specialist"],
        documents=["Giấy xác nhận tình trạng hôn nhân"],
        reason="Thiếu giấy tờ",
    )
    assert reload(dossier).paused_at == at("2026-11-17 10:00")
    assert judge(dossier, "2026-11-20 10:00") == timeliness.PAUSED
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):
        page = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert "Tạm dừng, chờ công dân" in page
    assert "Quá hạn" not in page
    officers.do(
        "2026-11-18 10:00",
        services.dossier_receive_supplement,
        dossier_id=dossier.pk,
        actor=officers.receiving,
        note="Đã nộp bản chính",
    )
    # Paused Tue 10:00–Wed 10:00: 7 working hours; from Thu 19/11 17:00 that reaches Fri
    # 20/11 14:30, and a deadline in days runs to the close of its day.
    resumed = reload(dossier)
    assert resumed.due_at == resumed.appointment_at == at("2026-11-20 17:00")
    assert resumed.paused_at is None


def test_a_same_day_dossier_restarts_its_day_after_a_supplement(catalogue, officers):
    khai_sinh = catalogue["khai_sinh"]
    assert khai_sinh.processing_time_kind == ProcessingTimeKind.SAME_DAY
    dossier = submitted(khai_sinh, catalogue["long_bien"], "2026-12-02 09:00")
    officers.do(
        "2026-12-02 10:00", services.dossier_accept, dossier_id=dossier.pk, actor=officers.receiving
    )
    assert reload(dossier).due_at == at("2026-12-02 17:00")  # Wednesday
    officers.do(
        "2026-12-02 16:00",
        services.dossier_request_supplement,
        dossier_id=dossier.pk,
        actor=officers.receiving,
        documents=["Giấy chứng sinh"],
        reason="Thiếu giấy chứng sinh",
    )
    officers.do(
        "2026-12-03 09:00",
        services.dossier_receive_supplement,
        dossier_id=dossier.pk,
        actor=officers.receiving,
    )
    # Not Thu 10:00 (one working hour left of Wednesday): the day starts again.
    assert reload(dossier).due_at == at("2026-12-03 17:00")


def test_saturday_mornings_at_long_bien(catalogue, officers):
    long_bien = catalogue["long_bien"]
    long_bien.weekday_sessions = "08:00-12:00, 13:00-17:00"
    long_bien.saturday_sessions = "08:00-12:00"
    long_bien.save()
    long_bien.saturday_fields.set([catalogue["ho_tich"]])
    certification = ProcedureFactory(
        code="2.000884",
        field=catalogue["chung_thuc"].field,  # not received on Saturdays here
        processing_time_kind=ProcessingTimeKind.SAME_DAY,
        receiving_agencies=[long_bien],
    )
    births = [submitted(catalogue["khai_sinh"], long_bien, "2026-11-28 08:30") for _ in "ab"]
    other = submitted(certification, long_bien, "2026-11-28 08:30")
    officers.do(
        "2026-11-28 09:00",
        services.dossier_accept,
        dossier_id=births[0].pk,
        actor=officers.receiving,
    )
    officers.do(
        "2026-11-28 10:30",
        services.dossier_accept,
        dossier_id=births[1].pk,
        actor=officers.receiving,
    )
    officers.do(
        "2026-11-28 09:00", services.dossier_accept, dossier_id=other.pk, actor=officers.receiving
    )
    assert reload(births[0]).due_at == at("2026-11-28 12:00")  # the same Saturday morning
    assert reload(births[1]).due_at == at("2026-11-30 17:00")  # after 10:00: Monday's close
    assert reload(other).due_at == at("2026-11-30 17:00")  # its field is not open on Saturdays


def test_a_corrected_holiday_and_a_make_up_day_move_every_deadline(
    catalogue, three_days, officers, django_capture_on_commit_callbacks
):
    dossier = submitted(three_days, catalogue["long_bien"], "2026-11-23 08:00")
    officers.accept(dossier, "2026-11-23 09:00")
    # Mon 23 not counted; Tue 24/11 off: Wed 25, Thu 26, Fri 27.
    assert reload(dossier).due_at == at("2026-11-27 17:00")
    hanoi = catalogue["hanoi"]
    with django_capture_on_commit_callbacks(execute=True):
        worked = calendar_day_save(
            day=CalendarDay(
                province=hanoi,
                day=datetime.date(2026, 11, 24),
                kind=DayKind.WORKING_DAY,
                name="Không nghỉ Ngày Văn hóa Việt Nam",
            )
        )
    moved = reload(dossier)
    assert moved.due_at == moved.appointment_at == at("2026-11-26 17:00")  # Tue 24, Wed, Thu
    assert [e.due_at for e in moved.events.filter(action=A.ACCEPT)] == [at("2026-11-26 17:00")]
    # Another province's correction changes nothing here.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_save(
            day=CalendarDay(
                province=catalogue["hatinh"],
                day=datetime.date(2026, 11, 25),
                kind=DayKind.DAY_OFF,
                name="Nghỉ riêng của tỉnh",
            )
        )
    assert reload(dossier).due_at == at("2026-11-26 17:00")
    # A make-up Sunday 22/11 (before acceptance) changes nothing; a day off on Wed 25 does.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_save(
            day=CalendarDay(
                province=hanoi, day=datetime.date(2026, 11, 25), kind=DayKind.DAY_OFF, name="Nghỉ"
            )
        )
    assert reload(dossier).due_at == at("2026-11-27 17:00")  # Tue 24, Thu 26, Fri 27
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_delete(day=worked)
    assert reload(dossier).due_at == at("2026-11-30 17:00")  # Thu 26, Fri 27, Mon 30


def test_an_apology_survives_a_calendar_correction(
    catalogue, three_days, officers, django_capture_on_commit_callbacks
):
    dossier = submitted(three_days, catalogue["long_bien"], "2026-11-23 08:00")
    officers.accept(dossier, "2026-11-23 09:00")
    officers.apologize(dossier, "2026-11-25 10:00", "2026-12-04 17:00", "Chờ xác minh")
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_save(
            day=CalendarDay(
                province=catalogue["hanoi"],
                day=datetime.date(2026, 11, 24),
                kind=DayKind.WORKING_DAY,
                name="Làm việc",
            )
        )
    moved = reload(dossier)
    assert moved.due_at == at("2026-11-26 17:00")
    assert moved.appointment_at == at("2026-12-04 17:00")  # the officer's appointment is kept
    assert moved.apologized_at == at("2026-11-25 10:00")


def test_every_view_of_a_dossier_agrees(catalogue, three_days, officers, client):
    """The lookup, the queue badge and queue, Mẫu 05, the register and the statistics judge the
    same three dossiers alike: apologized and resolved (late), overdue, and paused."""
    from dossiers.register import register_rows
    from dossiers.selectors import register_dossiers
    from dossiers.slips import control_rows
    from stats import selectors as stats_selectors
    from stats.services import stats_refresh_month

    long_bien = catalogue["long_bien"]
    apologized, overdue, paused = (
        submitted(three_days, long_bien, "2026-11-16 08:00") for _ in "abc"
    )
    for dossier in (apologized, overdue, paused):
        officers.accept(dossier, "2026-11-16 09:00")
    officers.apologize(apologized, "2026-11-19 15:00", "2026-11-26 17:00", "Chờ xác minh")
    officers.resolve(apologized, "2026-11-25 10:00")
    officers.do(
        "2026-11-17 10:00",
        services.dossier_request_supplement,
        dossier_id=paused.pk,
        actor=officers.desk["specialist"],
        documents=["Giấy xác nhận tình trạng hôn nhân"],
        reason="Thiếu giấy tờ",
    )
    expected = {
        apologized.pk: "Quá hạn",
        overdue.pk: "Quá hạn",
        paused.pk: "Tạm dừng, chờ công dân",
    }
    now = at("2026-11-30 10:00")
    with time_machine.travel(now, tick=False):
        for dossier in (apologized, overdue, paused):
            page = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
            assert f'id="timeliness">{expected[dossier.pk]}<' in page
        client.force_login(officers.receiving)
        listing = client.get("/quan-tri/dossiers/dossier/", {"q": ""})
        rows = {row.pk: row for row in listing.context["cl"].result_list}
        for pk, label in expected.items():
            assert timeliness.label(timeliness.judge(rows[pk], now=now)) == label
        body = listing.content.decode()
        assert body.count("deadline-danger") >= 2 and "deadline-paused" in body
        overdue_queue = Dossier.objects.filter(queue_condition("qua-han", user=None, now=now))
        assert set(overdue_queue.values_list("pk", flat=True)) == {overdue.pk}
        result_row = control_rows(reload(apologized))[-1]
        assert (result_row["event"].action, result_row["result"]) == (A.RESOLVE, "Quá hạn")
        register = register_dossiers(
            user=officers.receiving,
            start=datetime.date(2026, 11, 16),
            end=datetime.date(2026, 11, 16),
        )
        notes = {row[1]: row[-1] for row in register_rows(register)}
        assert notes[apologized.code].startswith("Quá hạn; đã xin lỗi")
        assert notes[overdue.code].startswith("Quá hạn")
        assert notes[paused.code].startswith("Tạm dừng, chờ công dân")
        stats_refresh_month(month=datetime.date(2026, 11, 1), now=now)
        figures = stats_selectors.figures_for(agency=long_bien, year=2026, month=11)["figures"]
    assert (figures.resolved_early, figures.resolved_on_time, figures.resolved_late) == (0, 0, 1)
    assert figures.pending_overdue == 1
    assert figures.pending_paused == 1
