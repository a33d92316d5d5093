"""The official record of a dossier, checked field by field against domain.md §6 (issue 14):
the confirmation of an online submission, Mẫu 01 issued at acceptance, the applicant's own
identity, and the links and QR codes that lead back to the portal."""

import contextlib
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from dossiers import receipts, services
from dossiers.models import Dossier
from procedures.constants import ApplicantRole, FieldType
from tests.dossiers.factories import complete_draft, submitted
from tests.factories import FormFieldFactory
from tests.pdf import pdf_layout_text, pdf_text

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def named_desk(desk):
    """The desk's officers with their full names, as the demo accounts have them (family and
    middle names first: Django's get_full_name() is "first_name last_name")."""
    for role, (first, last) in {
        "receiving": ("Nguyễn Thị", "Hoa"),
        "leader": ("Lê Quang", "Huy"),
        "specialist": ("Trần Văn", "Minh"),
    }.items():
        desk[role].last_name, desk[role].first_name = last, first
        desk[role].save()
    return desk


@pytest.fixture(autouse=True)
def _emails(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@contextlib.contextmanager
def committed():
    """Run the callbacks queued for after the commit (the messages) when the block ends."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def accept(dossier, officer, at: str):
    with time_machine.travel(local(at), tick=False), committed():
        services.dossier_accept(dossier_id=dossier.pk, actor=officer)
    return Dossier.objects.select_related("procedure", "receiving_agency").get(pk=dossier.pk)


def test_the_submission_gets_a_confirmation_not_mau_01(catalogue, settings):
    with time_machine.travel(local("2026-12-07 16:20"), tick=False), committed():
        dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    [email] = mail.outbox
    [(name, content, _)] = email.attachments
    assert name == f"xac-nhan-nop-ho-so-{dossier.code}.pdf"
    text = one_line(pdf_text(content))
    assert "XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" not in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Thời điểm nộp: 16 giờ 20 phút, ngày 07/12/2026" in text
    assert "Trạng thái: chờ cán bộ tiếp nhận." in text
    for name in ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]:
        assert name in text
    assert "Hẹn trả" not in text  # no appointment before the desk has accepted the dossier
    assert "Hẹn trả" not in email.body and "chờ cán bộ tiếp nhận" in email.body
    assert not Dossier.objects.get(pk=dossier.pk).receipt


def test_mau_01_is_issued_at_acceptance_with_its_time_officer_and_appointment(
    catalogue, named_desk, settings
):
    procedure = catalogue["khai_tu"]  # three working days
    procedure.level = 3
    procedure.save()
    with time_machine.travel(local("2026-12-04 16:00"), tick=False):  # a Friday afternoon
        dossier = submitted(procedure, catalogue["long_bien"])
    mail.outbox.clear()
    accepted = accept(dossier, named_desk["receiving"], "2026-12-07 10:30")  # Monday
    # Three working days after Monday (not counted): Tue, Wed, Thu 10/12, to the close.
    assert accepted.received_at == local("2026-12-07 10:30")
    assert accepted.due_at == local("2026-12-10 17:00")
    [email] = mail.outbox
    [(name, content, _)] = email.attachments
    assert name == f"giay-tiep-nhan-{dossier.code}.pdf"
    assert "Thời điểm tiếp nhận: 10:30 ngày 07/12/2026" in email.body
    assert "Hẹn trả kết quả: 17:00 ngày 10/12/2026" in email.body
    text = one_line(pdf_text(content))
    # The heading as a one-stop desk prints it, the motto, the place before the date.
    assert "UBND PHƯỜNG LONG BIÊN" in text
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Long Biên, ngày 07 tháng 12 năm 2026" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ (Mẫu 01)" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Ông/bà: Nguyễn Văn An" in text
    assert "Hình thức nộp: Trực tuyến" in text
    assert "Nội dung yêu cầu giải quyết: Đăng ký khai tử" in text
    assert "Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc" in text
    assert "Thời gian nhận hồ sơ: 10 giờ 30 phút, ngày 07/12/2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 10/12/2026" in text
    assert "Đăng ký nhận kết quả tại: Phường Long Biên" in text
    signatures = pdf_layout_text(content)
    assert re.search(r"NGƯỜI NỘP HỒ SƠ +NGƯỜI TIẾP NHẬN HỒ SƠ", signatures)
    assert re.search(r"Nguyễn Văn An +Nguyễn Thị Hoa", signatures)
    assert "Hồ sơ nộp trực tuyến" not in text  # the old placeholder for the officer's name
    assert "https://dichvucong.test/tra-cuu/?ma=" in text


def test_mau_01_printed_after_an_apology_keeps_the_appointment_given_at_acceptance(
    catalogue, named_desk
):
    """Mẫu 04 moves the appointment; Mẫu 01 rendered afterwards (its first print when the
    acceptance email could not carry it, or a copy) still records the one given at acceptance
    (it printed the moved one)."""
    procedure = catalogue["khai_tu"]  # three working days
    procedure.level = 3
    procedure.save()
    dossier = submitted(procedure, catalogue["long_bien"])
    accept(dossier, named_desk["receiving"], "2026-12-07 10:30")
    with time_machine.travel(local("2026-12-09 16:00"), tick=False):
        services.dossier_apologize(
            dossier_id=dossier.pk,
            actor=named_desk["receiving"],
            new_due_at=local("2026-12-14 10:00"),
            reason="Chờ xác minh nơi cư trú",
        )
    moved = Dossier.objects.select_related("procedure", "receiving_agency").get(pk=dossier.pk)
    assert moved.appointment_at == local("2026-12-14 10:00")
    text = one_line(pdf_text(receipts.render_receipt(moved)))
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 10/12/2026" in text
    assert "14/12/2026" not in text


def test_the_officer_prints_mau_01_and_a_refused_dossier_never_has_one(
    client, catalogue, named_desk
):
    accepted = accept(
        submitted(catalogue["khai_sinh"], catalogue["long_bien"]),
        named_desk["receiving"],
        "2026-12-07 09:00",
    )
    refused = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_refuse(
        dossier_id=refused.pk, actor=named_desk["receiving"], reason="Sai thẩm quyền"
    )
    client.force_login(named_desk["receiving"])
    page = client.get(reverse("admin:dossiers_dossier_change", args=[accepted.pk]))
    assert 'id="slip-mau-01"' in page.content.decode()
    slip = client.get(reverse("admin:dossiers_dossier_slip", args=[accepted.pk, "mau-01"]))
    assert slip.status_code == 200
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pdf_text(slip.content)
    page = client.get(reverse("admin:dossiers_dossier_change", args=[refused.pk]))
    assert 'id="slip-mau-01"' not in page.content.decode()
    url = reverse("admin:dossiers_dossier_slip", args=[refused.pk, "mau-01"])
    assert client.get(url).status_code == 404
    with pytest.raises(ValueError):
        receipts.dossier_receipt_pdf(dossier=Dossier.objects.get(pk=refused.pk))


def birth_declaration(catalogue):
    """The requester's identity fields, marked as the applicant's, and the mother's ID before
    them, as on the real birth declaration."""
    procedure = catalogue["khai_sinh"]
    FormFieldFactory(
        procedure=procedure,
        section="Thông tin người mẹ",
        name="so_dinh_danh_me",
        label="Số định danh cá nhân",
        field_type=FieldType.CITIZEN_ID,
        order=0,
    )
    for order, (name, role, kind) in enumerate(
        [
            ("loai_giay_to_nguoi_yeu_cau", ApplicantRole.ID_TYPE, FieldType.TEXT),
            ("so_giay_to_nguoi_yeu_cau", ApplicantRole.ID_NUMBER, FieldType.TEXT),
            ("noi_cu_tru_nguoi_yeu_cau", ApplicantRole.ADDRESS, FieldType.TEXTAREA),
        ],
        start=10,
    ):
        FormFieldFactory(
            procedure=procedure,
            section="Người yêu cầu",
            name=name,
            label=name,
            field_type=kind,
            order=order,
            applicant=role,
        )
    return {
        "ho_ten": "Trần Văn Bình",
        "gioi_tinh": "Nữ",
        "ngay_sinh": "2026-11-20",
        "so_dinh_danh_me": "001190000123",
        "loai_giay_to_nguoi_yeu_cau": "Thẻ Căn cước",
        "so_giay_to_nguoi_yeu_cau": "001089000456",
        "noi_cu_tru_nguoi_yeu_cau": "Số 5 ngõ 12 phố Ngọc Lâm, Phường Long Biên, Hà Nội",
    }


def test_the_applicant_is_the_requester_not_the_mother(client, catalogue, named_desk):
    declaration = birth_declaration(catalogue)
    draft = complete_draft(catalogue["khai_sinh"], catalogue["long_bien"], declaration=declaration)
    dossier = services.dossier_submit(draft_token=draft.token)
    dossier.refresh_from_db()
    assert (dossier.applicant_id_type, dossier.applicant_id_number) == (
        "Thẻ Căn cước",
        "001089000456",
    )
    accepted = accept(dossier, named_desk["receiving"], "2026-12-07 09:00")
    text = one_line(pdf_text(receipts.dossier_receipt_pdf(dossier=accepted)))
    assert "Thẻ Căn cước số: 001089000456" in text and "001190000123" not in text
    # The back-office finds the dossier by the requester's number, not by the mother's.
    client.force_login(named_desk["receiving"])
    changelist = reverse("admin:dossiers_dossier_changelist")
    assert dossier.code in client.get(changelist, {"q": "001089000456"}).content.decode()
    assert dossier.code not in client.get(changelist, {"q": "001190000123"}).content.decode()


def test_the_contact_step_starts_from_the_declaration(client, catalogue):
    from tests.dossiers.helpers import start, step_url

    declaration = birth_declaration(catalogue)
    location = start(client, "1.001193")
    client.post(step_url(location, "co-quan"), {"co_quan": "000.01.00.H26"})
    form = {**declaration, "cam_doan": "on"}
    assert client.post(step_url(location, "to-khai"), form).status_code == 302
    page = client.get(step_url(location, "lien-he")).content.decode()
    assert 'value="Trần Văn Bình"' in page
    assert "Số 5 ngõ 12 phố Ngọc Lâm, Phường Long Biên, Hà Nội" in page


def test_postal_delivery_is_said_everywhere(catalogue, named_desk, settings):
    procedure = catalogue["khai_sinh"]
    procedure.delivery_options = ["in_person", "post"]
    procedure.save()
    draft = complete_draft(procedure, catalogue["long_bien"])
    draft.contact = {**draft.contact, "nhan_ket_qua": "post"}
    draft.save()
    with committed():
        dossier = services.dossier_submit(draft_token=draft.token)
    address = dossier.applicant_address
    posted = f"Kết quả sẽ được gửi qua dịch vụ bưu chính công ích đến địa chỉ: {address}."
    assert posted in mail.outbox[-1].body
    assert "mang theo bản chính" not in mail.outbox[-1].body.lower()
    accepted = accept(dossier, named_desk["receiving"], "2026-12-07 09:00")
    text = one_line(pdf_text(receipts.dossier_receipt_pdf(dossier=accepted)))
    assert f"qua dịch vụ bưu chính công ích, gửi đến địa chỉ: {address}" in text
    assert "Mang theo giấy này" not in text


def test_links_use_site_url_or_else_the_address_the_request_came_in_on(catalogue, settings):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    assert receipts.lookup_url(dossier).startswith("https://dichvucong.test/tra-cuu/?ma=")
    settings.SITE_URL, settings.DEBUG = "", True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "192.168.1.20"]
    browser = Client(HTTP_HOST="192.168.1.20:8765")
    session = browser.session
    session["dossiers"] = [dossier.code]
    session.save()
    browser.cookies["sessionid"] = session.session_key
    pdf = browser.get(f"/ho-so/{dossier.code}/xac-nhan-nop-ho-so.pdf")
    assert pdf.status_code == 200
    text = one_line(pdf_text(pdf.getvalue()))
    assert "http://192.168.1.20:8765/tra-cuu/?ma=" in text
    assert "127.0.0.1:8000" not in text


def test_the_site_url_check_fails_a_deployment_without_it(settings):
    from core.apps import site_url_check

    settings.DEBUG, settings.SITE_URL = False, ""
    assert [error.id for error in site_url_check(None)] == ["core.E001"]
    settings.SITE_URL = "https://dichvucong.hanoi.gov.vn"
    assert site_url_check(None) == []


def test_confirmation_names_every_file_sent(catalogue):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    text = one_line(pdf_text(receipts.dossier_confirmation_pdf(dossier=dossier)))
    rows = re.findall(r"\d (Tờ khai đăng ký khai sinh|Giấy chứng sinh) (\d)", text)
    assert sorted(rows) == [("Giấy chứng sinh", "1"), ("Tờ khai đăng ký khai sinh", "1")]
