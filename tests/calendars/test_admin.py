"""The province's calendar in the back-office: the year view, its corrections, who may make
them, and the deadlines that follow them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from calendars import services
from calendars.constants import DayKind
from calendars.models import CalendarDay
from dossiers.constants import EventAction
from officers.constants import Role
from procedures.constants import DeadlineUnit
from tests.dossiers.factories import DossierFactory, make_officer
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CHANGELIST = "admin:calendars_calendarday_changelist"
CORRECT = "admin:calendars_calendarday_correct"


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.fixture(autouse=True)
def clock():
    """Mid-2026 by default; the deadline tests travel further."""
    with time_machine.travel(local("2026-06-01 09:00"), tick=False):
        yield


@pytest.fixture
def officers(catalogue, desk):
    return {
        "province": make_officer(
            "quantri.hanoi", Role.ADMINISTRATOR, agencies=[catalogue["hanoi"]]
        ),
        "other_province": make_officer(
            "quantri.hatinh", Role.ADMINISTRATOR, agencies=[catalogue["hatinh"]]
        ),
        "ward": make_officer("quantri.lb", Role.ADMINISTRATOR, agencies=[catalogue["long_bien"]]),
        "receiving": desk["receiving"],
    }


@pytest.fixture
def announced():
    """The days each calendar_changed signal announced: proof that the services wrote."""
    calls = []

    def record(sender, province_id, days, **kwargs):
        calls.append((province_id, list(days)))

    services.calendar_changed.connect(record, dispatch_uid="test-calendar-announced")
    yield calls
    services.calendar_changed.disconnect(dispatch_uid="test-calendar-announced")


def correction(province, day, kind=DayKind.WORKING_DAY, name="Quyết định số 12/QĐ-UBND"):
    return services.calendar_day_save(
        day=CalendarDay(province=province, day=day, kind=kind, name=name)
    )


def row(response, day):
    return next(row for row in response.context["rows"] if row["day"] == day)


def shown(entry):
    return (
        entry["day"].strftime("%d/%m/%Y"),
        str(entry["weekday"]),
        entry["national_label"],
        entry["status"],
        entry["source"],
    )


# --- The year view -----------------------------------------------------------------------------


def test_year_view_shows_2026_days_an_officer_may_dispute(client, catalogue, officers):
    client.force_login(officers["province"])
    response = client.get(reverse(CHANGELIST))  # this year: 2026
    assert response.status_code == 200
    assert response.context["year"] == 2026 and response.context["province"] == catalogue["hanoi"]
    assert shown(row(response, datetime.date(2026, 8, 22))) == (
        "22/08/2026",
        "Thứ Bảy",
        "Làm bù cho ngày nghỉ 31/08/2026",
        "Ngày làm bù",
        "Lịch quốc gia",
    )
    assert shown(row(response, datetime.date(2026, 8, 31))) == (
        "31/08/2026",
        "Thứ Hai",
        "Ngày nghỉ (thay cho ngày 22/08/2026)",
        "Ngày nghỉ",
        "Lịch quốc gia",
    )
    assert shown(row(response, datetime.date(2026, 11, 24))) == (
        "24/11/2026",
        "Thứ Ba",
        "Ngày Văn hóa Việt Nam",
        "Ngày nghỉ",
        "Lịch quốc gia",
    )
    body = response.content.decode()
    # One click each way: a national day off becomes a working day, a make-up day a day off.
    saturday = body.split('id="ngay-2026-08-22"')[1].split("</tr>")[0]
    assert "Chuyển thành ngày nghỉ" in saturday
    culture_day = body.split('id="ngay-2026-11-24"')[1].split("</tr>")[0]
    assert "Chuyển thành ngày làm việc" in culture_day
    assert 'name="csrfmiddlewaretoken"' in culture_day
    assert "Thêm ngày nghỉ / ngày làm bù" in body
    # A Sunday holiday changes nothing (26/04/2026): only its day off in lieu (27/04) is listed.
    days = [entry["day"] for entry in response.context["rows"]]
    assert datetime.date(2026, 4, 26) not in days and datetime.date(2026, 4, 27) in days


def test_year_view_of_another_year(client, officers):
    client.force_login(officers["province"])
    response = client.get(reverse(CHANGELIST), {"nam": "2027"})
    assert response.context["year"] == 2027
    assert all(entry["day"].year == 2027 for entry in response.context["rows"])
    bad = client.get(reverse(CHANGELIST), {"nam": "hai nghìn"})
    assert bad.status_code == 200 and bad.context["year"] == 2026
    assert "Nhập năm bằng số, ví dụ 2026." in bad.content.decode()


def test_year_view_shows_the_province_correction(client, catalogue, officers):
    correction(catalogue["hanoi"], datetime.date(2026, 11, 24))
    correction(catalogue["hatinh"], datetime.date(2026, 8, 31))  # another province's
    client.force_login(officers["province"])
    response = client.get(reverse(CHANGELIST))
    assert shown(row(response, datetime.date(2026, 11, 24))) == (
        "24/11/2026",
        "Thứ Ba",
        "Ngày Văn hóa Việt Nam",
        "Ngày làm việc",
        "Tỉnh điều chỉnh",
    )
    assert row(response, datetime.date(2026, 8, 31))["source"] == "Lịch quốc gia"
    body = response.content.decode()
    culture_day = body.split('id="ngay-2026-11-24"')[1].split("</tr>")[0]
    assert "Bỏ điều chỉnh" in culture_day and "Quyết định số 12/QĐ-UBND" in culture_day


def test_year_view_query_count_does_not_grow_with_corrections(
    client, catalogue, officers, django_assert_num_queries
):
    client.force_login(officers["province"])
    # The session, the user, their permissions (own and groups'), roles, agencies, provinces,
    # the year's corrections: the same with none as with many.
    with django_assert_num_queries(8):
        client.get(reverse(CHANGELIST))
    for day in [datetime.date(2026, 11, 24), datetime.date(2026, 9, 2), datetime.date(2026, 5, 1)]:
        correction(catalogue["hanoi"], day)
    correction(catalogue["hanoi"], datetime.date(2026, 8, 22), kind=DayKind.DAY_OFF)
    with django_assert_num_queries(8):
        response = client.get(reverse(CHANGELIST))
    assert sum(1 for entry in response.context["rows"] if entry["correction"]) == 4


# --- Corrections move the deadlines ------------------------------------------------------------


@pytest.fixture
def three_days(catalogue):
    """A procedure of 3 working days, counted in days, at Phường Long Biên (Hà Nội)."""
    return ProcedureFactory(
        processing_days=3,
        deadline_unit=DeadlineUnit.DAYS,
        receiving_agencies=[catalogue["long_bien"]],
    )


def test_working_24_11_moves_a_due_date_one_working_day_earlier(
    client, catalogue, officers, three_days, announced, django_capture_on_commit_callbacks
):
    with time_machine.travel(local("2026-11-20 10:00"), tick=False):  # a Friday
        dossier = DossierFactory(
            accepted=True, receiving_agency=catalogue["long_bien"], procedure=three_days
        )
        # Received Fri 20/11; 23/11 is day 1, Tue 24/11 a holiday, 25/11 day 2, 26/11 day 3.
        assert timezone.localtime(dossier.due_at) == local("2026-11-26 17:00")
        client.force_login(officers["province"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse(CORRECT),
                {"tinh": catalogue["hanoi"].pk, "ngay": "2026-11-24", "thao_tac": "chuyen"},
            )
    assert response.status_code == 302
    assert response["Location"] == reverse(CHANGELIST) + "?nam=2026#ngay-2026-11-24"
    saved = CalendarDay.objects.get()
    assert (saved.province, saved.day, saved.kind, saved.updated_by) == (
        catalogue["hanoi"],
        datetime.date(2026, 11, 24),
        DayKind.WORKING_DAY,
        officers["province"],
    )
    assert saved.name == (
        "Tỉnh điều chỉnh thành ngày làm việc — lịch quốc gia: Ngày Văn hóa Việt Nam"
    )
    assert announced == [(catalogue["hanoi"].pk, [datetime.date(2026, 11, 24)])]
    # Now 23/11 is day 1, 24/11 day 2, 25/11 day 3: one working day earlier.
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at) == local("2026-11-25 17:00")
    assert timezone.localtime(dossier.appointment_at) == local("2026-11-25 17:00")
    accepted = dossier.events.get(action=EventAction.ACCEPT)
    assert timezone.localtime(accepted.due_at) == local("2026-11-25 17:00")

    # Dropping the correction gives the national calendar, and the first due date, back.
    with (
        time_machine.travel(local("2026-11-20 11:00"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(
            reverse(CORRECT),
            {"tinh": catalogue["hanoi"].pk, "ngay": "2026-11-24", "thao_tac": "bo"},
        )
    assert not CalendarDay.objects.exists()
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at) == local("2026-11-26 17:00")
    # A second click (a stale page) is told, not failed.
    again = client.post(
        reverse(CORRECT),
        {"tinh": catalogue["hanoi"].pk, "ngay": "2026-11-24", "thao_tac": "bo"},
        follow=True,
    )
    assert "Ngày 24/11/2026 không có điều chỉnh của tỉnh." in again.content.decode()


def test_a_make_up_saturday_moves_a_due_date_earlier(
    client, catalogue, officers, three_days, announced, django_capture_on_commit_callbacks
):
    with time_machine.travel(local("2026-11-06 10:00"), tick=False):  # a Friday
        dossier = DossierFactory(
            accepted=True, receiving_agency=catalogue["long_bien"], procedure=three_days
        )
        # Mon 9/11 day 1, Tue 10/11 day 2, Wed 11/11 day 3.
        assert timezone.localtime(dossier.due_at) == local("2026-11-11 17:00")
        client.force_login(officers["province"])
        add = reverse("admin:calendars_calendarday_add")
        form = client.get(add).context["adminform"].form
        assert "province" not in form.fields  # theirs, not a choice
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                add,
                {
                    "day": "2026-11-07",
                    "kind": DayKind.WORKING_DAY,
                    "name": "Làm bù cho ngày nghỉ 02/01/2027, Quyết định số 15/QĐ-UBND",
                },
            )
    assert response.status_code == 302
    assert response["Location"] == reverse(CHANGELIST) + "?nam=2026"
    saved = CalendarDay.objects.get()
    assert (saved.province, saved.day, saved.kind) == (
        catalogue["hanoi"],
        datetime.date(2026, 11, 7),
        DayKind.WORKING_DAY,
    )
    assert announced == [(catalogue["hanoi"].pk, [datetime.date(2026, 11, 7)])]
    # Sat 7/11 day 1, Mon 9/11 day 2, Tue 10/11 day 3.
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at) == local("2026-11-10 17:00")


def test_another_province_correction_leaves_the_due_date(
    client, catalogue, officers, three_days, django_capture_on_commit_callbacks
):
    with time_machine.travel(local("2026-11-20 10:00"), tick=False):
        dossier = DossierFactory(
            accepted=True, receiving_agency=catalogue["long_bien"], procedure=three_days
        )
        client.force_login(officers["other_province"])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse(CORRECT), {"ngay": "2026-11-24", "thao_tac": "chuyen"})
    assert CalendarDay.objects.get().province == catalogue["hatinh"]  # theirs, from their scope
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at) == local("2026-11-26 17:00")


# --- The add and change forms ------------------------------------------------------------------


def test_add_form_refuses_a_day_already_corrected_or_a_change_that_changes_nothing(
    client, catalogue, officers
):
    correction(catalogue["hanoi"], datetime.date(2026, 11, 24))
    client.force_login(officers["province"])
    add = reverse("admin:calendars_calendarday_add")
    taken = client.post(add, {"day": "2026-11-24", "kind": DayKind.DAY_OFF, "name": "Nghỉ"})
    assert taken.status_code == 200
    assert taken.context["adminform"].form.errors["day"] == [
        "Thành phố Hà Nội đã có điều chỉnh cho ngày 24/11/2026: sửa điều chỉnh đó thay vì thêm mới."
    ]
    idle = client.post(add, {"day": "2026-09-02", "kind": DayKind.DAY_OFF, "name": "Quốc khánh"})
    assert idle.context["adminform"].form.errors["kind"] == [
        "Ngày 02/09/2026 đã là ngày nghỉ theo lịch quốc gia."
    ]
    assert CalendarDay.objects.count() == 1


def test_changing_the_day_announces_both_days(client, catalogue, officers, announced):
    saved = correction(catalogue["hanoi"], datetime.date(2026, 11, 24))
    announced.clear()
    client.force_login(officers["province"])
    response = client.post(
        reverse("admin:calendars_calendarday_change", args=[saved.pk]),
        {"day": "2026-09-01", "kind": DayKind.WORKING_DAY, "name": "Quyết định số 13/QĐ-UBND"},
    )
    assert response.status_code == 302
    assert announced == [
        (catalogue["hanoi"].pk, [datetime.date(2026, 9, 1), datetime.date(2026, 11, 24)])
    ]
    saved.refresh_from_db()
    assert (saved.day, saved.name) == (datetime.date(2026, 9, 1), "Quyết định số 13/QĐ-UBND")


def test_delete_page_and_bulk_action_go_through_the_service(client, catalogue, officers, announced):
    first = correction(catalogue["hanoi"], datetime.date(2026, 11, 24))
    second = correction(catalogue["hanoi"], datetime.date(2026, 8, 22), kind=DayKind.DAY_OFF)
    third = correction(catalogue["hanoi"], datetime.date(2026, 9, 2))
    announced.clear()
    client.force_login(officers["province"])
    response = client.post(
        reverse("admin:calendars_calendarday_delete", args=[first.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?nam=2026")
    assert announced == [(catalogue["hanoi"].pk, [datetime.date(2026, 11, 24)])]

    changelist = reverse(CHANGELIST) + "?nam=2026"
    # The ORM's bulk delete is not offered: it would leave the deadlines as they were.
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [second.pk], "index": 0}
    )
    assert CalendarDay.objects.count() == 2
    response = client.post(
        changelist,
        {"action": "delete_corrections", "_selected_action": [second.pk, third.pk], "index": 0},
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert sorted(announced[1:]) == [
        (catalogue["hanoi"].pk, [datetime.date(2026, 8, 22)]),
        (catalogue["hanoi"].pk, [datetime.date(2026, 9, 2)]),
    ]


# --- Who may do what -------------------------------------------------------------------------


def test_other_province_administrator_gets_404(client, catalogue, officers, announced):
    theirs = correction(catalogue["hanoi"], datetime.date(2026, 11, 24))
    announced.clear()
    client.force_login(officers["other_province"])
    view = client.get(reverse(CHANGELIST))
    assert view.context["province"] == catalogue["hatinh"]
    assert row(view, datetime.date(2026, 11, 24))["correction"] is None
    change = reverse("admin:calendars_calendarday_change", args=[theirs.pk])
    delete = reverse("admin:calendars_calendarday_delete", args=[theirs.pk])
    assert client.get(change).status_code == 404
    assert (
        client.post(change, {"day": "2026-11-24", "kind": "day_off", "name": "x"}).status_code
        == 404
    )
    assert client.post(delete, {"post": "yes"}).status_code == 404
    assert client.get(reverse(CHANGELIST), {"tinh": catalogue["hanoi"].pk}).status_code == 404
    quick = {"tinh": catalogue["hanoi"].pk, "ngay": "2026-11-24", "thao_tac": "bo"}
    assert client.post(reverse(CORRECT), quick).status_code == 404
    # Their bulk action sees their province's corrections only.
    client.post(
        reverse(CHANGELIST),
        {"action": "delete_corrections", "_selected_action": [theirs.pk], "index": 0},
    )
    assert CalendarDay.objects.filter(pk=theirs.pk).exists() and announced == []


def test_ward_administrator_reads_the_province_calendar_but_cannot_correct_it(
    client, catalogue, officers, announced
):
    saved = correction(catalogue["hanoi"], datetime.date(2026, 11, 24))
    announced.clear()
    client.force_login(officers["ward"])
    view = client.get(reverse(CHANGELIST))
    assert view.status_code == 200 and view.context["province"] == catalogue["hanoi"]
    assert row(view, datetime.date(2026, 11, 24))["source"] == "Tỉnh điều chỉnh"
    body = view.content.decode()
    assert "chỉ quản trị viên cấp tỉnh được điều chỉnh" in body
    assert "Bỏ điều chỉnh" not in body and "Thêm ngày nghỉ / ngày làm bù" not in body
    change = reverse("admin:calendars_calendarday_change", args=[saved.pk])
    assert client.get(change).status_code == 200  # read only
    posted = client.post(change, {"day": "2026-11-24", "kind": "day_off", "name": "x"})
    assert posted.status_code == 403
    delete = reverse("admin:calendars_calendarday_delete", args=[saved.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:calendars_calendarday_add")).status_code == 403
    for action in ["bo", "chuyen"]:
        quick = {"tinh": catalogue["hanoi"].pk, "ngay": "2026-11-24", "thao_tac": action}
        assert client.post(reverse(CORRECT), quick).status_code == 403
    bulk = {"action": "delete_corrections", "_selected_action": [saved.pk], "index": 0}
    assert client.post(reverse(CHANGELIST), bulk).status_code == 403
    saved.refresh_from_db()
    assert saved.kind == DayKind.WORKING_DAY and announced == []


def test_other_roles_have_no_access(client, catalogue, officers):
    client.force_login(officers["receiving"])
    assert client.get(reverse(CHANGELIST)).status_code == 403
    quick = {"tinh": catalogue["hanoi"].pk, "ngay": "2026-11-24", "thao_tac": "chuyen"}
    assert client.post(reverse(CORRECT), quick).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "Lịch làm việc" not in index


def test_superuser_chooses_the_province(client, catalogue, admin_user, announced):
    client.force_login(admin_user)
    view = client.get(reverse(CHANGELIST), {"tinh": catalogue["hatinh"].pk})
    assert view.context["province"] == catalogue["hatinh"]
    assert [p.name for p in view.context["provinces"]] == ["Thành phố Hà Nội", "Tỉnh Hà Tĩnh"]
    response = client.post(
        reverse(CORRECT),
        {"tinh": catalogue["hatinh"].pk, "ngay": "2026-08-22", "thao_tac": "chuyen"},
    )
    assert response["Location"] == (
        reverse(CHANGELIST) + f"?nam=2026&tinh={catalogue['hatinh'].pk}#ngay-2026-08-22"
    )
    saved = CalendarDay.objects.get()
    assert (saved.province, saved.kind) == (catalogue["hatinh"], DayKind.DAY_OFF)
    assert saved.name == (
        "Tỉnh điều chỉnh thành ngày nghỉ — lịch quốc gia: Làm bù cho ngày nghỉ 31/08/2026"
    )
    add = reverse("admin:calendars_calendarday_add")
    form = client.get(add, {"province": catalogue["hanoi"].pk}).context["adminform"].form
    assert list(form.fields["province"].queryset) == [catalogue["hanoi"], catalogue["hatinh"]]
    client.post(
        add,
        {
            "province": catalogue["hanoi"].pk,
            "day": "2026-11-07",
            "kind": DayKind.WORKING_DAY,
            "name": "Làm bù",
        },
    )
    assert CalendarDay.objects.get(day=datetime.date(2026, 11, 7)).province == catalogue["hanoi"]
    assert announced == [
        (catalogue["hatinh"].pk, [datetime.date(2026, 8, 22)]),
        (catalogue["hanoi"].pk, [datetime.date(2026, 11, 7)]),
    ]
