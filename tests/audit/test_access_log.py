"""The access log for personal data (Nghị định 13/2023/NĐ-CP): each officer access to a dossier
writes one row, which nobody changes or deletes, and each reader sees their scope's rows only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.constants import AccessAction
from audit.models import AccessRecord
from dossiers import services
from officers.constants import Role
from tests.dossiers.factories import DossierFactory, make_officer, submitted

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium"


def url(name, *args):
    return reverse(f"admin:dossiers_dossier_{name}", args=args)


def only_record() -> AccessRecord:
    records = list(AccessRecord.objects.all())
    assert len(records) == 1, records
    return records[0]


def assert_recorded(record, *, user, action, dossier):
    assert record.user == user and record.username == user.username
    assert record.action == action
    assert record.subject_type == "dossiers.dossier" and record.subject_id == dossier.pk
    assert record.reference == dossier.code
    assert record.agency_id == dossier.receiving_agency_id
    assert record.address == "203.0.113.7"
    assert record.user_agent == BROWSER
    assert abs(timezone.now() - record.at).total_seconds() < 60


@pytest.fixture
def officer_client(client, desk):
    client.force_login(desk["receiving"])
    client.defaults.update(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=BROWSER)
    return client


def test_viewing_the_dossier_page_writes_one_record(officer_client, catalogue, desk):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    assert officer_client.get(url("change", dossier.pk)).status_code == 200
    assert_recorded(
        only_record(), user=desk["receiving"], action=AccessAction.VIEW, dossier=dossier
    )


def test_downloading_an_attachment_writes_one_record(officer_client, catalogue, desk):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    document = next(d for d in dossier.documents.all() if d.file)
    response = officer_client.get(url("file", dossier.pk, document.pk))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    record = only_record()
    assert_recorded(record, user=desk["receiving"], action=AccessAction.ATTACHMENT, dossier=dossier)


@pytest.mark.parametrize("kind", ["mau-01", "mau-05"])
def test_downloading_a_slip_writes_one_record(officer_client, catalogue, desk, kind):
    dossier = DossierFactory(
        accepted=True, procedure=catalogue["khai_sinh"], receiving_agency=catalogue["long_bien"]
    )
    assert officer_client.get(url("slip", dossier.pk, kind)).status_code == 200
    assert_recorded(
        only_record(), user=desk["receiving"], action=AccessAction.SLIP, dossier=dossier
    )


def test_downloading_the_result_writes_one_record(officer_client, catalogue, desk):
    dossier = DossierFactory(
        resolved=True, procedure=catalogue["khai_sinh"], receiving_agency=catalogue["long_bien"]
    )
    response = officer_client.get(url("result", dossier.pk))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert_recorded(
        only_record(), user=desk["receiving"], action=AccessAction.RESULT, dossier=dossier
    )


def test_nothing_is_recorded_for_a_dossier_out_of_scope_or_a_missing_file(
    officer_client, catalogue
):
    theirs = submitted(catalogue["khai_sinh"], catalogue["ha_dong"])
    mine = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    assert officer_client.get(url("change", theirs.pk)).status_code == 404
    assert officer_client.get(url("result", mine.pk)).status_code == 404  # no result yet
    assert officer_client.get(url("slip", mine.pk, "mau-03")).status_code == 404
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_the_register_writes_one_record(officer_client, catalogue, desk, fmt):
    today = timezone.localdate()
    response = officer_client.get(
        url("register"), {"start": today.replace(day=1), "end": today, "format": fmt}
    )
    assert response.status_code == 200
    record = only_record()
    assert record.user == desk["receiving"] and record.action == AccessAction.EXPORT
    assert record.agency == catalogue["long_bien"]  # the officer's agency
    assert record.subject_type == "" and record.subject_id is None
    assert record.reference == (
        f"Sổ theo dõi (Mẫu 06) từ {today.replace(day=1):%d/%m/%Y} đến {today:%d/%m/%Y}, "
        f"{fmt.upper()}"
    )
    assert record.address == "203.0.113.7"
    # The form alone, without an export, is no access.
    officer_client.get(url("register"))
    assert AccessRecord.objects.count() == 1


def test_the_address_is_the_client_behind_the_trusted_proxy(officer_client, catalogue, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    officer_client.get(url("change", dossier.pk), HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.20")
    assert only_record().address == "198.51.100.20"


# --- Append-only -----------------------------------------------------------------------------


@pytest.fixture
def record(officer_client, catalogue):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    officer_client.get(url("change", dossier.pk))
    return only_record()


def test_a_record_cannot_be_changed_or_deleted(record):
    record.reference = "khác"
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.filter(pk=record.pk).update(reference="khác")
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.filter(pk=record.pk).delete()
    assert AccessRecord.objects.get(pk=record.pk).reference != "khác"


def test_the_record_outlives_the_account(record, desk):
    desk["receiving"].delete()
    kept = AccessRecord.objects.get(pk=record.pk)
    assert kept.user is None and kept.username == "motcua"


def test_the_admin_only_shows_records(admin_client, record):
    info = "admin:audit_accessrecord_{}"
    assert admin_client.get(reverse(info.format("changelist"))).status_code == 200
    response = admin_client.get(reverse(info.format("change"), args=[record.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert admin_client.get(reverse(info.format("add"))).status_code == 403
    assert admin_client.get(reverse(info.format("delete"), args=[record.pk])).status_code == 403
    response = admin_client.post(reverse(info.format("delete"), args=[record.pk]), {"post": "yes"})
    assert response.status_code == 403
    response = admin_client.post(
        reverse(info.format("change"), args=[record.pk]), {"reference": "khác", "action": "view"}
    )
    assert response.status_code == 403
    assert AccessRecord.objects.get(pk=record.pk).reference == record.reference
    response = admin_client.post(
        reverse(info.format("changelist")),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert AccessRecord.objects.filter(pk=record.pk).exists()


# --- Who reads the log -----------------------------------------------------------------------


def _records_seen(client, user, **params) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("admin:audit_accessrecord_changelist"), params)
    if response.status_code != 200:
        return set()
    return {row.pk for row in response.context["cl"].result_list}


def test_each_reader_sees_the_records_of_their_scope(client, catalogue, desk):
    long_bien_dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    ha_dong_dossier = submitted(catalogue["khai_sinh"], catalogue["ha_dong"])
    hatinh_dossier = DossierFactory(
        receiving_agency=catalogue["bac_hong_linh"], procedure=catalogue["khai_sinh"]
    )
    for user, dossier in [
        (desk["receiving"], long_bien_dossier),
        (desk["other_ward"], ha_dong_dossier),
        (
            make_officer(
                "motcua.bachonglinh", Role.RECEIVING, agencies=[catalogue["bac_hong_linh"]]
            ),
            hatinh_dossier,
        ),
    ]:
        client.force_login(user)
        assert client.get(url("change", dossier.pk)).status_code == 200
    records = {r.reference: r.pk for r in AccessRecord.objects.all()}
    mine = records[long_bien_dossier.code]

    ward_admin = make_officer(
        "quantri.longbien", Role.ADMINISTRATOR, agencies=[catalogue["long_bien"]]
    )
    province_admin = make_officer(
        "quantri.hanoi", Role.ADMINISTRATOR, agencies=[catalogue["hanoi"]]
    )
    assert _records_seen(client, ward_admin) == {mine}
    assert _records_seen(client, desk["leader"]) == {mine}
    assert _records_seen(client, province_admin) == {mine, records[ha_dong_dossier.code]}
    # The desk and the specialists do not read the log.
    assert _records_seen(client, desk["receiving"]) == set()
    assert _records_seen(client, desk["specialist"]) == set()
    # Search and filters, within the scope.
    assert _records_seen(client, province_admin, q=ha_dong_dossier.code) == {
        records[ha_dong_dossier.code]
    }
    assert _records_seen(client, ward_admin, q=ha_dong_dossier.code) == set()
    assert _records_seen(client, ward_admin, action="export") == set()
    assert _records_seen(client, ward_admin, action="view", q="motcua") == {mine}
    # Out of scope: not found.
    other = reverse("admin:audit_accessrecord_change", args=[records[hatinh_dossier.code]])
    client.force_login(ward_admin)
    assert client.get(other).status_code in {302, 404}


def test_a_forwarded_dossiers_log_is_read_by_both_agencies(client, province):
    """Liên thông: the Sở's specialist opens a dossier the centre received; the Sở's leader reads
    that access (their agency resolves it), and so does the centre's side; the health Sở does
    not."""
    dossier = submitted(province["karaoke"], province["centre"])
    services.dossier_accept(dossier_id=dossier.pk, actor=province["desk"])
    services.dossier_forward_agency(dossier_id=dossier.pk, actor=province["desk"], note="")
    client.force_login(province["specialist"])
    assert client.get(url("change", dossier.pk)).status_code == 200
    record = only_record()
    assert (record.agency, record.resolving_agency) == (province["centre"], province["culture"])

    centre_leader = make_officer("lanhdao.ttpvhcc", Role.LEADER, agencies=[province["centre"]])
    health_leader = make_officer("lanhdao.soyte", Role.LEADER, agencies=[province["health"]])
    assert _records_seen(client, province["leader"]) == {record.pk}
    assert _records_seen(client, centre_leader) == {record.pk}
    assert _records_seen(client, health_leader) == set()


# --- Below the ORM (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_a_record(record):
    """The trigger of migration 0002: raw SQL cannot rewrite the log either."""
    for statement in [
        "UPDATE audit_accessrecord SET reference = 'khác' WHERE id = %s",
        "UPDATE audit_accessrecord SET user_id = NULL, username = 'khác' WHERE id = %s",
        "DELETE FROM audit_accessrecord WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="không được sửa hoặc xoá"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [record.pk])
    kept = AccessRecord.objects.get(pk=record.pk)
    assert (kept.reference, kept.username, kept.user_id) == (
        record.reference,
        "motcua",
        record.user_id,
    )


@pytest.mark.postgres
def test_the_database_lets_a_deleted_account_go_and_keeps_its_rows(record, desk):
    desk["receiving"].delete()  # Django sets user_id to NULL: the one change the trigger allows
    kept = AccessRecord.objects.get(pk=record.pk)
    assert kept.user_id is None and kept.username == "motcua"
