"""The back-office in the admin: queues, the dossier page, actions, slips, exports, scope."""

import io
import re

import pytest
from django.contrib.admin.templatetags import admin_list
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dossiers import selectors, services
from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier
from dossiers.templatetags.dossier_admin import dossier_result_list
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(catalogue, desk):
    """Two dossiers at Long Biên, one at Hà Đông (another ward, out of the desk's scope)."""
    mine = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    also_mine = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    theirs = submitted(catalogue["khai_sinh"], catalogue["ha_dong"])
    return {"mine": mine, "also_mine": also_mine, "theirs": theirs}


def url(name, *args):
    return reverse(f"admin:dossiers_dossier_{name}", args=args)


def login(client, user):
    client.force_login(user)
    return client


def test_index_shows_queue_counts(client, desk, dossiers):
    body = login(client, desk["receiving"]).get(reverse("admin:index")).content.decode()
    assert "Hàng đợi hồ sơ" in body
    assert (
        '<span class="queue-label">Chờ tiếp nhận</span> <span class="queue-count">2</span>' in body
    )


def test_list_is_scoped_and_its_query_count_does_not_grow(
    client, catalogue, desk, dossiers, django_assert_num_queries, django_capture_on_commit_callbacks
):
    login(client, desk["receiving"])
    client.get(url("changelist"), {"hang_doi": "cho-tiep-nhan"})  # warm the session and counts
    # session, user, roles, scope paths and ids, page, filter lookups, permissions: fixed, not
    # per row; the queue counts and the list's total come from the cache.
    with django_assert_num_queries(9) as first:
        response = client.get(url("changelist"), {"hang_doi": "cho-tiep-nhan"})
    assert not [q for q in first.captured_queries if "COUNT(" in q["sql"]]
    codes = [d.code for d in response.context["cl"].result_list]
    assert sorted(codes) == sorted([dossiers["mine"].code, dossiers["also_mine"].code])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    # New dossiers in scope: the three queue counts and the total once more, still not per row.
    with django_assert_num_queries(len(first.captured_queries) + 4):
        response = client.get(url("changelist"), {"hang_doi": "cho-tiep-nhan"})
    assert len(response.context["cl"].result_list) == 7
    assert response.context["cl"].result_count == 7
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url("changelist"), {"hang_doi": "cho-tiep-nhan"})


def queue_counts(body):
    return dict(
        re.findall(
            r'<span class="queue-label">([^<]+)</span> <span class="queue-count">(\d+)</span>',
            body,
        )
    )


def test_counts_are_new_right_after_an_action(
    client, desk, dossiers, django_capture_on_commit_callbacks
):
    login(client, desk["receiving"])
    before = queue_counts(client.get(reverse("admin:index")).content.decode())
    assert before["Chờ tiếp nhận"] == "2" and before["Đang xử lý"] == "0"
    assert client.get(url("changelist"), {"q": ""}).context["cl"].result_count == 2
    other_ward = selectors.scope_version_key(desk["other_ward"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("action", dossiers["mine"].pk, "accept"), {"note": ""})
    assert response.status_code == 302
    after = queue_counts(client.get(reverse("admin:index")).content.decode())
    assert after["Chờ tiếp nhận"] == "1" and after["Đang xử lý"] == "1"
    assert after["Giao cho tôi"] == "1"
    listed = client.get(url("changelist"), {"hang_doi": "cho-tiep-nhan"}).context["cl"]
    assert [d.code for d in listed.result_list] == [dossiers["also_mine"].code]
    assert listed.result_count == 1
    # Another ward's counts are kept: only the agency of the changed dossier gets a new version.
    assert selectors.scope_version_key(desk["other_ward"]) == other_ward


def test_list_rows_are_the_admins_own_markup(client, desk, dossiers):
    """The rows DossierAdmin writes itself are what the admin's generic rows would be."""
    Dossier.objects.filter(pk=dossiers["also_mine"].pk).update(applicant_name="<b>Lê & Lý</b>")
    services.dossier_accept(dossier_id=dossiers["mine"].pk, actor=desk["receiving"])
    login(client, desk["receiving"])
    for params in [{}, {"hang_doi": "dang-xu-ly"}, {"o": "-2"}]:
        response = client.get(url("changelist"), params)
        cl = response.context["cl"]
        generic = admin_list.result_list(cl)["results"]
        assert ["".join(row) for row in dossier_result_list(cl)["results"]] == [
            "".join(row) for row in generic
        ]
    body = client.get(url("changelist")).content.decode()
    assert "&lt;b&gt;Lê &amp; Lý&lt;/b&gt;" in body
    assert f'<a href="{url("change", dossiers["mine"].pk)}">{dossiers["mine"].code}</a>' in body
    assert 'class="action-select"' in body


def test_search_by_code_phone_and_name_within_scope(client, desk, dossiers):
    login(client, desk["receiving"])
    mine, theirs = dossiers["mine"], dossiers["theirs"]
    for term in [mine.code, "0912 345 678", "Nguyễn Văn An"]:
        found = client.get(url("changelist"), {"q": term}).context["cl"].result_list
        assert mine in found
        assert theirs not in found
    assert list(client.get(url("changelist"), {"q": theirs.code}).context["cl"].result_list) == []


def test_every_route_to_another_wards_dossier_is_not_found(client, desk, dossiers):
    theirs = dossiers["theirs"]
    document = theirs.documents.first()
    login(client, desk["receiving"])
    routes = [
        url("change", theirs.pk),
        url("action", theirs.pk, "accept"),
        url("file", theirs.pk, document.pk),
        url("result", theirs.pk),
        *[url("slip", theirs.pk, kind) for kind in ["mau-02", "mau-03", "mau-04", "mau-05"]],
    ]
    for route in routes:
        assert client.get(route).status_code == 404, route
    assert client.post(url("action", theirs.pk, "accept")).status_code == 404
    assert client.post(url("note", theirs.pk), {"text": "xin chào"}).status_code == 404
    assert Dossier.objects.get(pk=theirs.pk).status == S.NEW
    # A bulk action naming their dossier does nothing to it.
    client.post(
        url("changelist"),
        {"action": "bulk_accept", "_selected_action": [theirs.pk, dossiers["mine"].pk]},
    )
    assert Dossier.objects.get(pk=theirs.pk).status == S.NEW
    assert Dossier.objects.get(pk=dossiers["mine"].pk).status == S.ACCEPTED


def test_register_export_contains_only_own_dossiers(client, desk, dossiers):
    # The register lists what the desk accepted or refused (Mẫu 06), each ward its own.
    services.dossier_accept(dossier_id=dossiers["mine"].pk, actor=desk["receiving"])
    services.dossier_refuse(
        dossier_id=dossiers["also_mine"].pk, actor=desk["receiving"], reason="Sai thẩm quyền"
    )
    services.dossier_accept(dossier_id=dossiers["theirs"].pk, actor=desk["other_ward"])
    login(client, desk["receiving"])
    # Regression: the register filters by the local day; submitted_at.date() is the UTC day, which
    # differs from 17:00 to 24:00 UTC (issue 12).
    today = timezone.localdate(dossiers["mine"].submitted_at).isoformat()
    response = client.get(url("register"), {"start": today, "end": today, "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert dossiers["mine"].code in text and dossiers["also_mine"].code in text
    assert dossiers["theirs"].code not in text
    assert text.splitlines()[0].startswith("STT,Mã hồ sơ,Nội dung (tên thủ tục),Số bộ,Chủ hồ sơ")
    response = client.get(url("register"), {"start": today, "end": today, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert codes == {dossiers["mine"].code, dossiers["also_mine"].code}


def test_register_rejects_a_reversed_range(client, desk, dossiers):
    login(client, desk["receiving"])
    response = client.get(
        url("register"), {"start": "2026-12-31", "end": "2026-01-01", "format": "csv"}
    )
    assert response.status_code == 200
    assert "“Từ ngày” phải trước “Đến ngày”." in response.content.decode()


def test_page_shows_only_the_buttons_the_role_allows(client, desk, dossiers):
    mine = dossiers["mine"]
    receiving = login(client, desk["receiving"]).get(url("change", mine.pk)).content.decode()
    assert url("action", mine.pk, "accept") in receiving
    assert url("action", mine.pk, "refuse") in receiving
    assert url("action", mine.pk, "resolve") not in receiving
    specialist = login(client, desk["specialist"]).get(url("change", mine.pk)).content.decode()
    assert url("action", mine.pk, "accept") not in specialist
    # A role that may not act gets a message, not an action, even by typing the URL.
    response = client.post(url("action", mine.pk, "accept"))
    assert response.status_code == 302
    assert Dossier.objects.get(pk=mine.pk).status == S.NEW


def test_refuse_needs_a_reason_and_keeps_the_page(client, desk, dossiers):
    mine = dossiers["mine"]
    login(client, desk["receiving"])
    response = client.post(url("action", mine.pk, "refuse"), {"note": ""})
    assert response.status_code == 400
    assert "Vui lòng ghi rõ lý do." in response.content.decode()
    response = client.post(url("action", mine.pk, "refuse"), {"note": "Không thuộc thẩm quyền"})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=mine.pk).status == S.REFUSED
    slip = client.get(url("slip", mine.pk, "mau-03"))
    text = pdf_text(slip.content)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền" in text


def test_supplement_slip_and_control_slip(client, desk, dossiers):
    mine = dossiers["mine"]
    login(client, desk["receiving"])
    client.post(url("action", mine.pk, "accept"), {"note": ""})
    documents = [d.name for d in mine.procedure.documents.all()]
    response = client.post(
        url("action", mine.pk, "request_supplement"),
        {"documents": [documents[1]], "other": "Bản sao sổ hộ khẩu", "note": "Ảnh bị mờ"},
    )
    assert response.status_code == 302
    text = pdf_text(client.get(url("slip", mine.pk, "mau-02")).content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Giấy chứng sinh" in text and "Bản sao sổ hộ khẩu" in text and "Ảnh bị mờ" in text
    control = pdf_text(client.get(url("slip", mine.pk, "mau-05")).content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    assert "Tiếp nhận" in control


@pytest.mark.parametrize(("action", "role"), [("resolve", "leader"), ("propose", "specialist")])
def test_result_and_draft_refuse_a_fake_file(client, desk, dossiers, action, role):
    """The leader's signed result and the specialist's draft (since issue 14 the specialist
    proposes, and only the leader resolves directly) are checked alike."""
    mine = dossiers["mine"]
    services.dossier_accept(dossier_id=mine.pk, actor=desk["receiving"])
    services.dossier_forward(
        dossier_id=mine.pk, actor=desk["receiving"], department=desk["justice"]
    )
    login(client, desk[role])
    fake = SimpleUploadedFile("ket-qua.pdf", b"not a pdf")
    response = client.post(url("action", mine.pk, action), {"result": fake})
    assert response.status_code == 400
    assert "không phải là tệp PDF" in response.content.decode()
    good = SimpleUploadedFile("ket-qua.pdf", PDF_BYTES)
    assert client.post(url("action", mine.pk, action), {"result": good}).status_code == 302
    if action == "resolve":
        assert client.get(url("result", mine.pk)).status_code == 200
    else:
        proposal = Dossier.objects.get(pk=mine.pk).pending_proposal
        assert client.get(url("draft", mine.pk, proposal.pk)).status_code == 200


def test_attachment_is_viewable_by_the_officer(client, desk, dossiers):
    mine = dossiers["mine"]
    document = mine.documents.first()
    response = login(client, desk["receiving"]).get(url("file", mine.pk, document.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_internal_note(client, desk, dossiers):
    mine = dossiers["mine"]
    login(client, desk["specialist"])
    client.post(url("note", mine.pk), {"text": "Đã gọi điện cho công dân"})
    assert "Đã gọi điện cho công dân" in client.get(url("change", mine.pk)).content.decode()


def test_citizen_cannot_reach_the_back_office(client, dossiers):
    response = client.get(url("change", dossiers["mine"].pk))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_outbox_shows_only_messages_of_dossiers_in_scope(client, desk, dossiers):
    from notifications.selectors import messages_about

    login(client, desk["receiving"])
    response = client.get(reverse("admin:notifications_message_changelist"))
    shown = {m.subject_id for m in response.context["cl"].result_list}
    assert shown == {dossiers["mine"].pk, dossiers["also_mine"].pk}
    theirs = messages_about(dossiers["theirs"]).get()
    url = reverse("admin:notifications_message_change", args=[theirs.pk])
    assert client.get(url).status_code == 302  # not found in scope: back to the list
