"""A citizen submits a birth registration online, on a PC and on a 360 px phone."""

import re

import pytest
from captcha.models import CaptchaStore
from django.core import mail
from django.core.management import call_command

from dossiers.models import Dossier
from procedures.models import Agency
from tests.dossiers.helpers import PDF_BYTES
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECLARATION = {
    "kinh_gui": "Ủy ban nhân dân Phường Long Biên",
    "ho_ten_nguoi_yeu_cau": "Nguyễn Văn An",
    "so_giay_to_nguoi_yeu_cau": "001089012345",
    "ngay_cap_giay_to_nguoi_yeu_cau": "2021-04-10",
    "noi_cap_giay_to_nguoi_yeu_cau": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "noi_cu_tru_nguoi_yeu_cau": "Số 5 ngõ 12 phố Ngọc Lâm, Phường Long Biên, Hà Nội",
    "ho_nguoi_duoc_khai_sinh": "Nguyễn",
    "chu_dem_ten_nguoi_duoc_khai_sinh": "Minh Châu",
    "ngay_sinh": "2026-11-02",
    "ngay_sinh_bang_chu": "Ngày hai, tháng mười một, năm hai nghìn không trăm hai mươi sáu",
    "noi_sinh": "Bệnh viện Đa khoa Đức Giang, Hà Nội",
    "que_quan": "Xã Thạch Hà, Hà Tĩnh",
    "dan_toc": "Kinh",
    "quoc_tich": "Việt Nam",
}
CHOICES = {
    "loai_giay_to_nguoi_yeu_cau": "Thẻ Căn cước",
    "quan_he_nguoi_yeu_cau": "Cha",
    "gioi_tinh": "Nữ",
}


@pytest.fixture
def demo_catalogue(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", "--no-accounts", verbosity=0)


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "giay-chung-sinh.pdf"
    good.write_bytes(PDF_BYTES)
    witness = tmp_path / "van-ban-nguoi-lam-chung.pdf"
    witness.write_bytes(PDF_BYTES)
    fake = tmp_path / "anh-chup.pdf"
    fake.write_text("Đây không phải là tệp PDF")
    return {"good": good, "witness": witness, "fake": fake}


def click_continue(page):
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()


def solve_captcha(page, wrong=False):
    hashkey = page.locator("input[name=captcha_0]").input_value()
    answer = CaptchaStore.objects.get(hashkey=hashkey).response
    page.get_by_role("textbox", name="Mã xác nhận").fill("sai" if wrong else answer)
    page.get_by_role("button", name="Gửi thông tin").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_birth_registration_journey(request, size, demo_catalogue, files, screenshot):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    page.goto("/thu-tuc/1.001193/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").last.click()
    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()

    # 1. Where: type without diacritics to narrow the list.
    page.get_by_label("Tìm nhanh theo tên").fill("long bien")
    assert page.get_by_label("Nơi nộp hồ sơ").evaluate("s => s.selectedOptions[0].text") == (
        "Phường Long Biên"
    )
    screenshot(page, f"{size}-1-agency")
    click_continue(page)

    # 2. Declaration: an empty submit is refused field by field, in Vietnamese.
    click_continue(page)
    assert page.get_by_text("Vui lòng nhập thông tin này.").first.is_visible()
    for name, value in DECLARATION.items():
        page.locator(f"[name={name}]").fill(value)
    for name, value in CHOICES.items():
        page.locator(f"[name={name}]").select_option(label=value)
    page.locator("[name=cam_doan]").check()
    screenshot(page, f"{size}-2-declaration")
    click_continue(page)

    # 3. Attachments: a file that only pretends to be a PDF is refused with its name. The
    # declaration was filled online: the first slot is the Giấy chứng sinh's.
    slots = page.locator("input[type=file]")
    slots.nth(0).set_input_files(str(files["fake"]))
    click_continue(page)
    assert page.get_by_text("Tệp “anh-chup.pdf” không phải là tệp PDF").is_visible()
    screenshot(page, f"{size}-3-file-refused")
    slots.nth(0).set_input_files(str(files["good"]))
    click_continue(page)

    # 4. Contact.
    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Văn An")
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_label("Thư điện tử").fill("an.nguyen@example.vn")
    page.get_by_label("Địa chỉ liên hệ").fill("Số 5 ngõ 12 phố Ngọc Lâm, Hà Nội")
    page.get_by_label("Qua dịch vụ bưu chính công ích").check()
    click_continue(page)

    # 5. Review, go back to change the declaration: nothing else is lost.
    assert page.get_by_text("Minh Châu").is_visible()
    assert page.get_by_role("link", name="giay-chung-sinh.pdf").is_visible()
    page.get_by_role("link", name="Sửa tờ khai").click()
    assert page.locator("[name=que_quan]").input_value() == "Xã Thạch Hà, Hà Tĩnh"
    page.locator("[name=que_quan]").fill("Phường Bắc Hồng Lĩnh, Hà Tĩnh")
    click_continue(page)
    assert page.get_by_role("link", name="giay-chung-sinh.pdf").is_visible()
    click_continue(page)
    assert page.get_by_label("Số điện thoại di động").input_value() == "0912345678"
    click_continue(page)
    assert page.get_by_text("Phường Bắc Hồng Lĩnh, Hà Tĩnh").is_visible()
    assert page.get_by_text("Qua dịch vụ bưu chính công ích").is_visible()
    screenshot(page, f"{size}-5-review")

    # 6. A wrong captcha gets a new one and keeps everything.
    solve_captcha(page, wrong=True)
    assert page.get_by_text("Mã xác nhận không đúng").first.is_visible()
    assert page.get_by_text("Minh Châu").is_visible()
    assert not Dossier.objects.exists()
    solve_captcha(page)

    # 7. Success: the code on screen, and the same by email with the confirmation.
    code = page.locator("#dossier-code").inner_text()
    long_bien = Agency.objects.get(name="Phường Long Biên")
    assert re.fullmatch(re.escape(long_bien.code) + r"-\d{6}-0001", code)
    screenshot(page, f"{size}-7-success")
    dossier = Dossier.objects.get()
    assert dossier.code == code
    assert dossier.declaration["que_quan"] == "Phường Bắc Hồng Lĩnh, Hà Tĩnh"
    assert dossier.delivery == "post"
    assert [m.to for m in mail.outbox] == [["an.nguyen@example.vn"]]
    assert code in mail.outbox[0].body
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải xác nhận nộp hồ sơ (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read().startswith(b"%PDF-")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_birth_registration_with_a_witness_statement(
    request, size, demo_catalogue, files, screenshot
):
    """No Giấy chứng sinh: the witness's statement stands for it, and the declaration is the
    one filled online, not an upload."""
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    page.goto("/thu-tuc/1.001193/")
    documents = page.locator(".documents-table")
    assert documents.get_by_text("Nộp một trong các giấy tờ sau:").is_visible()
    assert documents.get_by_text("Văn bản của người làm chứng xác nhận về việc sinh").is_visible()
    assert documents.get_by_text("Khi nộp trực tuyến: điền tờ khai điện tử").is_visible()
    documents.scroll_into_view_if_needed()
    screenshot(page, f"{size}-1-procedure")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").last.click()
    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()

    page.get_by_label("Tìm nhanh theo tên").fill("long bien")
    click_continue(page)
    for name, value in DECLARATION.items():
        page.locator(f"[name={name}]").fill(value)
    for name, value in CHOICES.items():
        page.locator(f"[name={name}]").select_option(label=value)
    page.locator("[name=cam_doan]").check()
    click_continue(page)

    # Attachments: the group asks for one of its documents; nothing attached names them all.
    group = page.get_by_role("group", name="1. Nộp một trong các giấy tờ sau")
    assert group.is_visible()
    assert page.get_by_text("đã điền trực tuyến ở bước “Tờ khai”").is_visible()
    assert page.get_by_role("group", name="Tờ khai đăng ký khai sinh theo mẫu").count() == 0
    click_continue(page)
    assert page.get_by_text("Chưa đính kèm một trong các giấy tờ: “Giấy chứng sinh").is_visible()
    witness = group.get_by_role("group", name="Văn bản của người làm chứng xác nhận về việc sinh")
    witness.get_by_label("Chọn tệp").set_input_files(str(files["witness"]))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    assert witness.get_by_role("link", name="van-ban-nguoi-lam-chung.pdf").is_visible()
    screenshot(page, f"{size}-3-attachments")
    click_continue(page)

    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Văn An")
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_label("Thư điện tử").fill("an.nguyen@example.vn")
    page.get_by_label("Địa chỉ liên hệ").fill("Số 5 ngõ 12 phố Ngọc Lâm, Hà Nội")
    page.get_by_label("Nhận trực tiếp").check()
    click_continue(page)

    # Review: the online declaration listed as such, the witness's statement attached.
    files_list = page.locator("#review-file-list")
    assert files_list.get_by_text("tờ khai điện tử (điền ở bước “Tờ khai”)").is_visible()
    assert files_list.get_by_role("link", name="van-ban-nguoi-lam-chung.pdf").is_visible()
    assert not page.get_by_text("Hồ sơ chưa đầy đủ").is_visible()
    screenshot(page, f"{size}-5-review")
    solve_captcha(page)

    code = page.locator("#dossier-code").inner_text()
    dossier = Dossier.objects.get()
    assert dossier.code == code
    assert list(dossier.documents.values_list("document_name", flat=True)) == [
        "Văn bản của người làm chứng xác nhận về việc sinh"
    ]
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải xác nhận nộp hồ sơ (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    assert "Tờ khai đăng ký khai sinh theo mẫu —" in text
    assert "Văn bản của người làm chứng xác nhận về việc sinh 1" in text
