"""Online results: the signed PDF issued with a verification QR code printed on it, its public
verification page, and its revocation by the agency."""

import datetime
import hashlib
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.siteurl import site_url
from dossiers import selectors, services
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.models import Dossier, IssuedResult
from dossiers.uploads import inspect
from notifications.models import Message
from officers.constants import Role
from tests.dossiers.factories import in_state, make_officer
from tests.dossiers.helpers import PDF_BYTES, png_bytes
from tests.pdf import pdf_layout_text

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MOMENT = datetime.datetime(2026, 12, 9, 10, 15, tzinfo=HCM)
SIGNED_ON = datetime.date(2026, 12, 8)


def resolved(catalogue, desk) -> Dossier:
    """A Long Biên dossier with its result ready at the desk, delivered online."""
    return in_state("resolved", catalogue, desk, delivery="online", applicant_name="Trần Thị Bình")


def issue(dossier, officer, **changes):
    with time_machine.travel(MOMENT, tick=False):
        return services.dossier_issue_result(
            dossier_id=dossier.pk,
            actor=officer,
            **{"number": "125/QĐ-UBND", "signed_on": SIGNED_ON, **changes},
        )


def stored(dossier) -> bytes:
    with Dossier.objects.get(pk=dossier.pk).result_file.open("rb") as file:
        return file.read()


def test_issuing_stamps_the_result_and_records_its_fingerprint(catalogue, desk):
    dossier = resolved(catalogue, desk)
    event = issue(dossier, desk["receiving"], note="Bản ký số")
    assert (event.action, event.from_status, event.to_status) == (
        A.ISSUE_RESULT,
        S.RESOLVED,
        S.RESOLVED,
    )
    assert event.note == "125/QĐ-UBND — Bản ký số"
    issued = IssuedResult.objects.get()
    content = stored(dossier)
    assert (issued.agency, issued.number, issued.signed_on, issued.issued_at, issued.issued_by) == (
        catalogue["long_bien"],
        "125/QĐ-UBND",
        SIGNED_ON,
        MOMENT,
        desk["receiving"],
    )
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert len(issued.token) >= 22 and issued.valid
    # The stamped file is the approved one with the box added on its first page.
    text = " ".join(pdf_layout_text(content).split())
    url = f"/xac-thuc-ket-qua/{issued.token}/"
    assert "Kiểm tra tính xác thực của kết quả" in text and "Văn bản số 125/QĐ-UBND" in text
    assert url in text.replace(" ", "")
    assert content != PDF_BYTES and content.startswith(b"%PDF")


def test_the_stamp_is_a_readable_qr_code_in_the_corner(catalogue, desk, tmp_path):
    """Looked at as an image: the page rendered by poppler has the box in its bottom-right
    corner, nothing drawn elsewhere, and a QR reader (zbarimg) reads the verification address."""
    from PIL import Image

    dossier = resolved(catalogue, desk)
    issue(dossier, desk["receiving"])
    (tmp_path / "kq.pdf").write_bytes(stored(dossier))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", tmp_path / "kq.pdf", tmp_path / "kq"],
        check=True,
    )
    image = Image.open(tmp_path / "kq.png").convert("L")
    width, height = image.size
    corner = image.crop((width // 2, height * 4 // 5, width, height))
    rest = image.crop((0, 0, width, height * 3 // 4))
    assert corner.getextrema()[0] < 64  # dark modules of the QR code
    assert rest.getextrema() == (255, 255)  # the blank test page: no ink drawn up there
    read = subprocess.run(
        ["zbarimg", "-q", "--raw", tmp_path / "kq.png"], capture_output=True, text=True, check=True
    )
    token = IssuedResult.objects.get().token
    assert read.stdout.strip() == f"{site_url()}/xac-thuc-ket-qua/{token}/"


def test_the_verification_page_shows_the_record_and_no_personal_data(
    client, catalogue, desk, django_assert_num_queries
):
    dossier = resolved(catalogue, desk)
    issue(dossier, desk["receiving"])
    issued = IssuedResult.objects.get()
    with django_assert_num_queries(1):  # the issued result, its agency and procedure
        response = client.get(f"/xac-thuc-ket-qua/{issued.token}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Còn hiệu lực</strong>" in body
    for fact in (
        "Phường Long Biên",
        "125/QĐ-UBND",
        "08/12/2026",
        "Đăng ký khai sinh",
        issued.sha256,
    ):
        assert fact in body, fact
    for personal in ("Trần Thị Bình", dossier.applicant_phone, dossier.code):
        assert personal not in body, personal
    assert "no-store" in response["Cache-Control"]
    unknown = client.get(f"/xac-thuc-ket-qua/{issued.token[:-1]}x/")
    assert unknown.status_code == 404
    assert "Không tìm thấy kết quả nào ứng với mã này." in unknown.content.decode()


def test_a_revoked_result_says_so_and_is_no_longer_downloadable(client, catalogue, desk):
    dossier = resolved(catalogue, desk)
    issue(dossier, desk["receiving"])
    assert Dossier.objects.get(pk=dossier.pk).result_online
    with pytest.raises(ValidationError) as error:
        services.dossier_revoke_result(dossier_id=dossier.pk, actor=desk["leader"], reason=" ")
    assert error.value.code == "reason_required"
    with pytest.raises(ValidationError) as error:
        services.dossier_revoke_result(
            dossier_id=dossier.pk, actor=desk["receiving"], reason="Sai năm sinh"
        )
    assert error.value.code == "forbidden"
    revoked_at = datetime.datetime(2026, 12, 10, 8, 0, tzinfo=HCM)
    with time_machine.travel(revoked_at, tick=False):
        event = services.dossier_revoke_result(
            dossier_id=dossier.pk, actor=desk["leader"], reason="Sai năm sinh"
        )
    assert (event.action, event.note) == (A.REVOKE_RESULT, "125/QĐ-UBND: Sai năm sinh")
    issued = IssuedResult.objects.get()
    assert (issued.revoked_at, issued.revoked_by, issued.revoke_reason) == (
        revoked_at,
        desk["leader"],
        "Sai năm sinh",
    )
    assert not Dossier.objects.get(pk=dossier.pk).result_online
    message = Message.objects.get(template="result_revoked", channel="email")
    assert (message.context["number"], message.context["reason"]) == ("125/QĐ-UBND", "Sai năm sinh")
    body = client.get(f"/xac-thuc-ket-qua/{issued.token}/").content.decode()
    assert "<strong>Đã thu hồi</strong>" in body and "08:00 10/12/2026" in body
    assert "Lý do: Sai năm sinh" in body
    with pytest.raises(ValidationError) as error:
        services.dossier_revoke_result(dossier_id=dossier.pk, actor=desk["leader"], reason="Lại")
    assert error.value.code == "not_issued"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"number": "  "}, "number"),
        ({"signed_on": datetime.date(2026, 12, 10)}, "signed_on"),  # after "today", 09/12
        (
            {"signed_file": inspect(SimpleUploadedFile("kq.png", png_bytes()), max_mb=10)},
            "not_pdf",
        ),
    ],
)
def test_bad_issuance_is_refused_and_changes_nothing(catalogue, desk, changes, code):
    dossier = resolved(catalogue, desk)
    before = stored(dossier)
    with pytest.raises(ValidationError) as error:
        issue(dossier, desk["receiving"], **changes)
    assert error.value.code == code
    assert IssuedResult.objects.count() == 0 and stored(dossier) == before


def test_a_result_is_issued_once_and_only_by_its_agency(catalogue, desk):
    dossier = resolved(catalogue, desk)
    other_province = make_officer(
        "motcua.hatinh", Role.RECEIVING, agencies=[catalogue["bac_hong_linh"]]
    )
    for officer in (desk["other_ward"], other_province):
        with pytest.raises(ValidationError) as error:
            issue(dossier, officer)
        assert error.value.code == "not_found"
    issue(dossier, desk["receiving"])
    with pytest.raises(ValidationError) as error:
        issue(dossier, desk["receiving"], number="126/QĐ-UBND")
    assert error.value.code == "issued"
    assert list(IssuedResult.objects.values_list("number", flat=True)) == ["125/QĐ-UBND"]
    page = selectors.dossier_for_officer(user=desk["receiving"], pk=dossier.pk)
    assert A.ISSUE_RESULT not in selectors.officer_actions(desk["receiving"], page)
    page = selectors.dossier_for_officer(user=desk["leader"], pk=dossier.pk)
    assert A.REVOKE_RESULT in selectors.officer_actions(desk["leader"], page)


def test_the_desk_issues_it_from_the_dossier_page(client, catalogue, desk):
    dossier = resolved(catalogue, desk)
    client.force_login(desk["receiving"])
    url = reverse("admin:dossiers_dossier_action", args=[dossier.pk, A.ISSUE_RESULT])
    page = client.post(url, {"number": "", "signed_on": "2099-01-01", "note": "Bản ký số"})
    body = page.content.decode()
    assert page.status_code == 400
    assert "Vui lòng nhập thông tin này." in body and "Ngày ký không được sau hôm nay." in body
    assert "Bản ký số" in body
    signed = SimpleUploadedFile("ban-ky.pdf", PDF_BYTES, content_type="application/pdf")
    page = client.post(url, {"number": "7/GCN", "signed_on": "2026-12-01", "signed_file": signed})
    assert page.status_code == 302
    issued = IssuedResult.objects.get()
    assert (issued.number, issued.signed_on) == ("7/GCN", datetime.date(2026, 12, 1))
    detail = client.get(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    ).content.decode()
    assert "Số 7/GCN · ký ngày 01/12/2026 · Còn hiệu lực" in detail
    assert f"/xac-thuc-ket-qua/{issued.token}/" in detail
