"""Every administrator is confined to their tree (issue 16): each role tries every admin URL of
every registered model against an object outside its scope, and nothing is reached or changed."""

import datetime
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.constants import AccessAction
from audit.models import AccessRecord
from audit.services import access_record
from calendars.constants import DayKind
from calendars.models import CalendarDay
from dossiers.models import Dossier
from notifications.models import Message
from officers.constants import Role
from payments.models import PaymentOrder
from payments.services import payment_create
from procedures.models import Agency, Field, Procedure
from tests.dossiers.factories import DossierFactory, make_officer
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

NO_ACCESS = {302, 403, 404}
ROLES = ["ward_admin", "province_admin", "receiving", "specialist", "leader", "centre_desk"]


@pytest.fixture
def people(catalogue, desk, province):
    return {
        "ward_admin": make_officer(
            "quantri.longbien", Role.ADMINISTRATOR, agencies=[catalogue["long_bien"]]
        ),
        "province_admin": make_officer(
            "quantri.hanoi", Role.ADMINISTRATOR, agencies=[catalogue["hanoi"]]
        ),
        "receiving": desk["receiving"],
        "specialist": desk["specialist"],
        "leader": desk["leader"],
        "centre_desk": province["desk"],
    }


def _message(dossier) -> Message:
    return Message.objects.create(
        recipient="an@example.vn",
        template="dossier_stopped",
        channel="email",
        context={"code": dossier.code},
        subject_type="dossiers.dossier",
        subject_id=dossier.pk,
        reference=dossier.code,
    )


def _payment(dossier) -> PaymentOrder:
    return payment_create(
        subject_type="dossiers.dossier",
        subject_id=dossier.pk,
        reference=dossier.code,
        fee_key="submission",
        amount=15000,
        description="Lệ phí",
        agency_id=dossier.receiving_agency_id,
    )


def _access(dossier, user) -> AccessRecord:
    request = RequestFactory().get("/")
    request.user = user
    return access_record(
        request,
        AccessAction.VIEW,
        subject=dossier,
        reference=dossier.code,
        agency_id=dossier.receiving_agency_id,
    )


def _login_records(officer, no_add) -> dict:
    """Two-factor devices and lockout records of another province's officer."""
    seen = {"username": officer.username, "ip_address": "203.0.113.5", "user_agent": "x"}
    seen |= {"http_accept": "*/*", "path_info": "/quan-tri/login/"}
    records = {
        TOTPDevice: TOTPDevice.objects.create(user=officer, name="app", confirmed=True),
        StaticDevice: StaticDevice.objects.create(user=officer, name="backup", confirmed=True),
        AccessAttempt: AccessAttempt.objects.create(
            **seen, get_data="", post_data="", failures_since_start=1
        ),
        AccessFailureLog: AccessFailureLog.objects.create(**seen, locked_out=False),
        AccessLog: AccessLog.objects.create(**seen),
    }
    return {model: (obj, no_add(model)(None)) for model, obj in records.items()}


@pytest.fixture
def targets(catalogue, desk, province):
    """Per model: an object of another ward of Hà Nội, one of another province (Hà Tĩnh), and
    the national ones only the superuser manages; with an add form naming the object and the
    rows an add would create about it."""
    ha_dong, bac_hong_linh = catalogue["ha_dong"], catalogue["bac_hong_linh"]
    ha_dong_procedure = ProcedureFactory(code="9.000001", receiving_agencies=[ha_dong])
    hatinh_procedure = Procedure.objects.get(code="1.004227")
    ha_dong_dossier = DossierFactory(receiving_agency=ha_dong, procedure=ha_dong_procedure)
    hatinh_dossier = DossierFactory(receiving_agency=bac_hong_linh, procedure=hatinh_procedure)
    hatinh_day = CalendarDay.objects.create(
        province=catalogue["hatinh"],
        day=datetime.date(2026, 12, 14),
        kind=DayKind.DAY_OFF,
        name="Ngày nghỉ của tỉnh",
    )

    def agency_add(other):
        data = {"code": "000.09.00.H26", "name": "Phường Mới", "tier": "commune"}
        return {
            **data,
            "parent": other.pk,
            "weekday_sessions": "07:00-11:30",
        }, lambda: Agency.objects.filter(code="000.09.00.H26").count()

    def procedure_add(other):
        data = {"code": "9.000099", "name": "Thủ tục mới", "field": catalogue["ho_tich"].pk}
        data |= {"level": 2, "receiving_agencies": [other.pk], "processing_time_kind": "days"}
        return data, lambda: Procedure.objects.filter(code="9.000099").count()

    def user_add(other):
        data = {"username": "moi", "password1": "MatKhau@12345", "password2": "MatKhau@12345"}
        data |= {"usable_password": "true"}
        data |= {
            "officer-TOTAL_FORMS": "1",
            "officer-INITIAL_FORMS": "0",
            "officer-MIN_NUM_FORMS": "0",
            "officer-MAX_NUM_FORMS": "1",
            "officer-0-agencies": [other.pk],
        }
        return data, lambda: User.objects.filter(officer__agencies=other).count()

    def calendar_add(_other):
        data = {"province": catalogue["hatinh"].pk, "day": "15/12/2026", "kind": "day_off"}
        data |= {"name": "Nghỉ"}
        return data, lambda: CalendarDay.objects.filter(province=catalogue["hatinh"]).count()

    def no_add(model):
        return lambda _other: ({}, lambda: model.objects.count())

    ward = {
        Agency: (ha_dong, agency_add(ha_dong)),
        Procedure: (ha_dong_procedure, procedure_add(ha_dong)),
        User: (desk["other_ward"], user_add(ha_dong)),
        Dossier: (ha_dong_dossier, no_add(Dossier)(ha_dong)),
        Message: (_message(ha_dong_dossier), no_add(Message)(ha_dong)),
        PaymentOrder: (_payment(ha_dong_dossier), no_add(PaymentOrder)(ha_dong)),
        AccessRecord: (
            _access(ha_dong_dossier, desk["other_ward"]),
            no_add(AccessRecord)(ha_dong),
        ),
    }
    other_province = {
        Agency: (bac_hong_linh, agency_add(bac_hong_linh)),
        Procedure: (hatinh_procedure, procedure_add(bac_hong_linh)),
        User: (province["other_province"], user_add(bac_hong_linh)),
        Dossier: (hatinh_dossier, no_add(Dossier)(bac_hong_linh)),
        Message: (_message(hatinh_dossier), no_add(Message)(bac_hong_linh)),
        PaymentOrder: (_payment(hatinh_dossier), no_add(PaymentOrder)(bac_hong_linh)),
        AccessRecord: (
            _access(hatinh_dossier, province["other_province"]),
            no_add(AccessRecord)(bac_hong_linh),
        ),
        CalendarDay: (hatinh_day, calendar_add(bac_hong_linh)),
        # Login protection: the superuser's alone (officers.admin_site).
        **_login_records(province["other_province"], no_add),
    }
    national = {
        # Received in two provinces: the superuser's.
        Procedure: (catalogue["khai_sinh"], procedure_add(bac_hong_linh)),
        Field: (catalogue["ho_tich"], ({"name": "Mới", "code": "moi"}, Field.objects.count)),
        Group: (
            Group.objects.get(name=str(Role.RECEIVING.label)),
            ({"name": "Nhóm mới"}, Group.objects.count),
        ),
    }
    return {"ward": ward, "province": other_province, "national": national}


def _snapshot(obj):
    model = type(obj)
    row = model.objects.filter(pk=obj.pk).values().first()
    many = {
        field.name: sorted(getattr(model.objects.get(pk=obj.pk), field.name).values_list("pk"))
        for field in model._meta.many_to_many
    }
    return row, many


def _hostile_change(obj, catalogue) -> dict:
    """A change form taking the object over: moved under Phường Long Biên, given to its
    officers, renamed."""
    long_bien = catalogue["long_bien"]
    return {
        "parent": long_bien.pk,
        "name": "Bị chiếm",
        "code": getattr(obj, "code", "x"),
        "tier": "commune",
        "phone": "0000",
        "weekday_sessions": "07:00-11:30",
        "receiving_agencies": [long_bien.pk],
        "resolving_agencies": [long_bien.pk],
        "field": catalogue["ho_tich"].pk,
        "level": 2,
        "username": "chiem",
        "is_active": "on",
        "province": catalogue["hanoi"].pk,
        "day": "14/12/2026",
        "kind": "working_day",
        "status": "2",
        "officer-TOTAL_FORMS": "1",
        "officer-INITIAL_FORMS": "1",
        "officer-MIN_NUM_FORMS": "0",
        "officer-MAX_NUM_FORMS": "1",
        "officer-0-agencies": [long_bien.pk],
    }


def _autocomplete_sources(model):
    """(app_label, model_name, field_name) of every relation pointing at `model`."""
    from django.apps import apps

    for source in apps.get_models():
        for field in source._meta.get_fields():
            if (
                getattr(field, "remote_field", None) is not None
                and not field.auto_created
                and field.remote_field.model is model
                and field.concrete
                or (field.many_to_many and not field.auto_created and field.related_model is model)
            ):
                yield source._meta.app_label, source._meta.model_name, field.name


def _objects_for(role, targets):
    # A province's administrator manages the other wards of its province: only what lies
    # outside it, and the national catalogue, is out of their reach.
    groups = ["province", "national"] if role == "province_admin" else list(targets)
    for group in groups:
        yield from ((group, model, entry) for model, entry in targets[group].items())


def test_every_registered_model_has_an_object_out_of_scope(targets):
    tried = {model for group in targets.values() for model in group}
    assert set(admin.site._registry) <= tried


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_url_reaches_an_object_out_of_scope(client, catalogue, people, targets, role):
    client.force_login(people[role])
    for group, model, (obj, (add_data, about)) in _objects_for(role, targets):
        where = f"{role} → {group} {model._meta.label} #{obj.pk}"
        info = model._meta.app_label, model._meta.model_name
        before = _snapshot(obj)

        listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        if listing.status_code == 200 and listing.context and "cl" in listing.context:
            shown = {row.pk for row in listing.context["cl"].result_list}
            assert obj.pk not in shown, where
        else:
            assert listing.status_code in NO_ACCESS or model is CalendarDay, where

        for name in ["change", "delete", "history"]:
            url = reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[obj.pk])
            assert client.get(url).status_code in NO_ACCESS, f"{where} GET {name}"
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        response = client.post(change, _hostile_change(obj, catalogue))
        assert response.status_code in NO_ACCESS, f"{where} POST change"
        delete = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code in NO_ACCESS, where
        if model is User:
            password = reverse("admin:auth_user_password_change", args=[obj.pk])
            response = client.post(password, {"password1": "Moi@123456", "password2": "Moi@123456"})
            assert response.status_code in NO_ACCESS, where

        # An add naming the object (its agency as the parent, the receiver, the officer's).
        count = about()
        response = client.post(reverse("admin:{}_{}_add".format(*info)), add_data)
        assert response.status_code in NO_ACCESS | {200}, f"{where} add"
        assert about() == count, f"{where} add"

        content_type = ContentType.objects.get_for_model(model)
        response = client.get(f"/quan-tri/r/{content_type.pk}/{obj.pk}/")
        assert response.status_code == 404, f"{where} view on site"

        for app_label, model_name, field_name in _autocomplete_sources(model):
            response = client.get(
                reverse("admin:autocomplete"),
                {"app_label": app_label, "model_name": model_name, "field_name": field_name},
            )
            if response.status_code == 200:
                ids = {row["id"] for row in json.loads(response.content)["results"]}
                assert str(obj.pk) not in ids, f"{where} autocomplete {model_name}.{field_name}"
            else:
                assert response.status_code in {403, 404}, where

        assert _snapshot(obj) == before, where
        assert model.objects.filter(pk=obj.pk).exists(), where


def test_the_takeover_of_the_issue_is_refused(client, catalogue, people):
    """quantri.longbien edits Phường Bắc Hồng Lĩnh and sets its parent to Phường Long Biên."""
    client.force_login(people["ward_admin"])
    target = catalogue["bac_hong_linh"]
    url = reverse("admin:procedures_agency_change", args=[target.pk])
    data = {"code": target.code, "name": target.name, "tier": target.tier, "is_active": "on"}
    data |= {"weekday_sessions": target.weekday_sessions, "parent": catalogue["long_bien"].pk}
    assert client.post(url, data).status_code in NO_ACCESS
    target.refresh_from_db()
    assert target.parent == catalogue["hatinh"]
    assert target.path == "000.00.00.H30/000.01.00.H30/"


# --- What each administrator may do ----------------------------------------------------------


def _agency_form(client, agency) -> dict:
    from tests.procedures.test_admin import change_form_data

    response = client.get(reverse("admin:procedures_agency_change", args=[agency.pk]))
    assert response.status_code == 200
    return change_form_data(response)


def test_ward_admin_edits_its_agency_contact_and_hours_only(client, catalogue, people):
    long_bien = catalogue["long_bien"]
    client.force_login(people["ward_admin"])
    data = _agency_form(client, long_bien)
    assert "code" not in data and "parent" not in data and "tier" not in data
    assert "is_active" not in data and "name" not in data
    data.update(
        phone="024 3827 1111",
        weekday_sessions="08:00-12:00, 13:00-17:00",
        saturday_sessions="08:00-11:00",
        # Fields not on their form are ignored.
        parent=catalogue["hatinh"].pk,
        code="000.01.00.H30",
        is_active="",
    )
    response = client.post(reverse("admin:procedures_agency_change", args=[long_bien.pk]), data)
    assert response.status_code == 302
    long_bien.refresh_from_db()
    assert long_bien.phone == "024 3827 1111"
    assert long_bien.weekday_sessions == "08:00-12:00, 13:00-17:00"
    assert long_bien.saturday_sessions == "08:00-11:00"
    assert long_bien.parent == catalogue["hanoi"] and long_bien.code == "000.01.00.H26"
    assert long_bien.is_active
    # Its own department too; another ward of the province not.
    one_stop = long_bien.children.get(code="001.01.00.H26")
    assert (
        client.get(reverse("admin:procedures_agency_change", args=[one_stop.pk])).status_code == 200
    )
    # Neither adding nor deleting agencies, nor any procedure.
    assert client.get(reverse("admin:procedures_agency_add")).status_code == 403
    assert (
        client.get(reverse("admin:procedures_agency_delete", args=[one_stop.pk])).status_code == 403
    )
    khai_tu = catalogue["khai_tu"]  # received by Long Biên alone
    url = reverse("admin:procedures_procedure_change", args=[khai_tu.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:procedures_procedure_changelist")).status_code == 403


def test_province_admin_edits_a_procedure_of_its_province(client, catalogue, people):
    from tests.procedures.test_admin import change_form_data

    client.force_login(people["province_admin"])
    khai_tu = catalogue["khai_tu"]
    url = reverse("admin:procedures_procedure_change", args=[khai_tu.pk])
    response = client.get(url)
    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["receiving_agencies"].queryset
    assert catalogue["ha_dong"] in choices and catalogue["bac_hong_linh"] not in choices
    data = change_form_data(response)
    data["processing_note"] = "Không quá 3 ngày làm việc nếu cần xác minh"
    data["receiving_agencies"] = [str(catalogue["long_bien"].pk), str(catalogue["ha_dong"].pk)]
    assert client.post(url, data).status_code == 302
    khai_tu.refresh_from_db()
    assert khai_tu.processing_note == "Không quá 3 ngày làm việc nếu cần xác minh"
    assert set(khai_tu.receiving_agencies.all()) == {catalogue["long_bien"], catalogue["ha_dong"]}

    # Given to another province's agency: refused, nothing saved.
    data["receiving_agencies"] = [str(catalogue["bac_hong_linh"].pk)]
    data["processing_note"] = "Đổi"
    assert client.post(url, data).status_code == 200
    khai_tu.refresh_from_db()
    assert khai_tu.processing_note != "Đổi"
    # With no receiving agency it would leave the province's hands: refused.
    data["receiving_agencies"] = []
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Chọn ít nhất một cơ quan tiếp nhận" in response.content.decode()

    # The national one (received in two provinces) and the fields are the superuser's.
    national = reverse("admin:procedures_procedure_change", args=[catalogue["khai_sinh"].pk])
    assert client.get(national).status_code == 302
    assert client.get(reverse("admin:procedures_field_changelist")).status_code == 403


def test_province_admin_moves_units_inside_its_province_only(client, catalogue, people):
    client.force_login(people["province_admin"])
    ha_dong, long_bien = catalogue["ha_dong"], catalogue["long_bien"]
    url = reverse("admin:procedures_agency_change", args=[ha_dong.pk])
    response = client.get(url)
    choices = response.context["adminform"].form.fields["parent"].queryset
    assert long_bien in choices and catalogue["hatinh"] not in choices
    assert catalogue["bac_hong_linh"] not in choices
    data = _agency_form(client, ha_dong)

    for outside in [catalogue["hatinh"], catalogue["bac_hong_linh"]]:
        response = client.post(url, {**data, "parent": outside.pk})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["parent"]
    # Not below itself either, and not a province.
    one_stop = long_bien.children.get(code="001.01.00.H26")
    lb_url = reverse("admin:procedures_agency_change", args=[long_bien.pk])
    lb_data = _agency_form(client, long_bien)
    response = client.post(lb_url, {**lb_data, "parent": one_stop.pk})
    assert response.context["adminform"].form.errors["parent"]
    response = client.post(url, {**data, "tier": "province"})
    assert response.context["adminform"].form.errors["tier"]
    ha_dong.refresh_from_db()
    assert ha_dong.parent == catalogue["hanoi"] and ha_dong.tier == "commune"

    # Inside the province: saved, with the path of the subtree.
    response = client.post(url, {**data, "parent": long_bien.pk})
    assert response.status_code == 302
    ha_dong.refresh_from_db()
    assert ha_dong.path == "000.00.00.H26/000.01.00.H26/000.02.00.H26/"

    # The province itself keeps its code, tier and parent.
    hanoi_form = client.get(reverse("admin:procedures_agency_change", args=[catalogue["hanoi"].pk]))
    fields = hanoi_form.context["adminform"].form.fields
    assert "parent" not in fields and "code" not in fields and "tier" not in fields
    assert "phone" in fields


def test_ward_admin_manages_only_officers_wholly_in_its_ward(client, catalogue, people, desk):
    # An officer of Long Biên who also works for Phường Bắc Hồng Lĩnh is not theirs alone.
    desk["leader"].officer.agencies.add(catalogue["bac_hong_linh"])
    client.force_login(people["ward_admin"])
    response = client.get(reverse("admin:auth_user_changelist"))
    names = {user.username for user in response.context["cl"].result_list}
    assert names == {"motcua", "chuyenvien", "quantri.longbien"}


# --- No 500 on malformed parameters ----------------------------------------------------------


def test_outbox_year_too_large_is_not_a_500(admin_client):
    response = admin_client.get(
        "/quan-tri/notifications/message/", {"created_at__year": "99999999999999999999999"}
    )
    assert response.status_code in {200, 302, 400, 404}
    response = admin_client.get(
        "/quan-tri/notifications/message/",
        {"created_at__year": "2026", "created_at__month": "99999999999999999999999"},
    )
    assert response.status_code in {200, 302, 400, 404}


@pytest.mark.parametrize("selected", ["abc", "99999999999999999999999", "1.5", ""])
def test_bulk_action_with_a_bad_id_is_a_400(client, desk, selected):
    client.force_login(desk["receiving"])
    response = client.post(
        "/quan-tri/dossiers/dossier/",
        {"action": "bulk_accept", "_selected_action": [selected], "index": "0"},
    )
    assert response.status_code in {200, 302, 400}
