"""The data migrations of issue 15 on rows written before it: an agency's hours text becomes its
sessions (procedures 0006); the old due date, which apologies overwrote, becomes the appointment,
and the legal due date is the one before the first apology (dossiers 0011)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE = [("procedures", "0005_resolving_agencies"), ("dossiers", "0010_proposal")]
AFTER = [
    ("procedures", "0006_agency_hours_deadline_rules"),
    ("dossiers", "0011_legal_due_and_appointment"),
]


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.fixture
def old_state(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    return executor.loader.project_state(AFTER).apps


def test_hours_and_dates_are_split(old_state):
    Agency = old_state.get_model("procedures", "Agency")
    Field = old_state.get_model("procedures", "Field")
    Procedure = old_state.get_model("procedures", "Procedure")
    Dossier = old_state.get_model("dossiers", "Dossier")
    Event = old_state.get_model("dossiers", "DossierEvent")
    province = Agency.objects.create(
        code="000.00.00.H26", name="Thành phố Hà Nội", tier="province", path="000.00.00.H26/"
    )
    ward = Agency.objects.create(
        code="000.01.00.H26",
        name="Phường Long Biên",
        tier="commune",
        parent=province,
        province=province,
        path="000.00.00.H26/000.01.00.H26/",
        opening_hours="Sáng 8:00–12:00, chiều 13:00–17:00, thứ Hai đến thứ Sáu; "
        "sáng thứ Bảy 8:00–12:00 (tiếp nhận hồ sơ hộ tịch, chứng thực)",
    )
    free_text = Agency.objects.create(
        code="000.02.00.H26",
        name="Phường Cũ",
        tier="commune",
        parent=province,
        province=province,
        path="000.00.00.H26/000.02.00.H26/",
        opening_hours="Không còn tiếp nhận hồ sơ từ 01/7/2025",
    )
    field = Field.objects.create(code="ho-tich", name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="1.000894", name="Đăng ký kết hôn", field=field, level=3, search_name="dang ky ket hon"
    )

    def dossier(code, status, due):
        return Dossier.objects.create(
            code=code,
            procedure=procedure,
            receiving_agency=ward,
            status=status,
            applicant_name="Nguyễn Văn An",
            applicant_phone="0912345678",
            applicant_address="Long Biên",
            submitted_at=at("2026-11-16 08:00"),
            received_at=at("2026-11-16 09:00"),
            due_at=due,
        )

    def event(target, action, moment, due, from_status=2, to_status=4):
        Event.objects.create(
            dossier=target,
            action=action,
            from_status=from_status,
            to_status=to_status,
            actor_name="Cán bộ",
            due_at=due,
            created_at=at(moment),
        )

    # Apologized: the due date was overwritten with the new appointment (26/11).
    apologized = dossier("A", 4, at("2026-11-26 17:00"))
    event(apologized, "accept", "2026-11-16 09:00", at("2026-11-19 17:00"), 1, 2)
    event(apologized, "forward", "2026-11-16 10:00", at("2026-11-19 17:00"))
    event(apologized, "apologize", "2026-11-19 15:00", at("2026-11-26 17:00"), 4, 4)
    plain = dossier("B", 4, at("2026-11-19 17:00"))
    event(plain, "accept", "2026-11-16 09:00", at("2026-11-19 17:00"), 1, 2)
    waiting_fee = dossier("C", 6, at("2026-11-19 17:00"))
    event(waiting_fee, "accept", "2026-11-16 09:00", at("2026-11-19 17:00"), 1, 2)
    event(waiting_fee, "request_fee", "2026-11-17 09:00", at("2026-11-19 17:00"), 2, 6)

    apps = migrate_forward()
    Agency = apps.get_model("procedures", "Agency")
    Dossier = apps.get_model("dossiers", "Dossier")
    Event = apps.get_model("dossiers", "DossierEvent")
    ward = Agency.objects.get(code="000.01.00.H26")
    assert (ward.weekday_sessions, ward.saturday_sessions) == (
        "08:00-12:00, 13:00-17:00",
        "08:00-12:00",
    )
    free_text = Agency.objects.get(code="000.02.00.H26")
    assert (free_text.weekday_sessions, free_text.saturday_sessions) == (
        "07:00-11:30, 13:30-17:00",
        "",
    )

    apologized = Dossier.objects.get(code="A")
    assert apologized.due_at == at("2026-11-19 17:00")
    assert apologized.appointment_at == at("2026-11-26 17:00")
    assert apologized.apologized_at == at("2026-11-19 15:00")
    apology = Event.objects.get(dossier=apologized, action="apologize")
    assert (apology.due_at, apology.appointment_at) == (
        at("2026-11-19 17:00"),
        at("2026-11-26 17:00"),
    )
    plain = Dossier.objects.get(code="B")
    assert plain.due_at == plain.appointment_at == at("2026-11-19 17:00")
    assert plain.apologized_at is None and plain.paused_at is None
    assert Dossier.objects.get(code="C").paused_at == at("2026-11-17 09:00")
