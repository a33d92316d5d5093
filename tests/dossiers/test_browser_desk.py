"""The one-stop desk's paths in the browser (issue 14): a dossier received at the counter, with
Mẫu 01 printed for the citizen; an online dossier accepted, with Mẫu 01 emailed."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from dossiers.constants import Channel
from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES
from tests.dossiers.test_browser_backoffice import act, log_in
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def named(desk, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = desk["receiving"]
    user.first_name, user.last_name = "Nguyễn Thị", "Hoa"
    user.save()
    return desk


@pytest.mark.parametrize("width", [1280, 360])
def test_walk_in_intake_to_mau_01_printed(page, catalogue, named, tmp_path, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "motcua")
    page.goto("/quan-tri/dossiers/dossier/")
    page.locator("#walk-in-link").click()
    page.get_by_label("Thủ tục").select_option("1.001193")
    page.get_by_label("Cơ quan tiếp nhận").select_option(label="Phường Long Biên")
    page.get_by_label("Trực tiếp").check()
    page.locator("#walk-in-start input[type=submit]").click()
    form = page.locator("#walk-in-form")
    form.get_by_label("Họ, chữ đệm, tên").fill("Phạm Thị Lan")
    form.get_by_label("Giới tính").select_option("Nam")
    form.get_by_label("Ngày, tháng, năm sinh").fill("2026-12-01")
    form.get_by_label("Số điện thoại di động").fill("0987 654 321")
    form.get_by_label("Địa chỉ").fill("Số 8 phố Ngọc Thụy, Phường Long Biên, Hà Nội")
    # Forgot the birth certificate: the desk is told, and nothing typed is lost.
    form.get_by_label("Tờ khai đăng ký khai sinh").check()
    form.locator("input[type=submit]").click()
    assert page.get_by_text("Thiếu giấy tờ bắt buộc “Giấy chứng sinh”").is_visible()
    assert page.get_by_label("Số điện thoại di động").input_value() == "0987 654 321"
    screenshot(page, f"{width}-walk-in-error")
    form = page.locator("#walk-in-form")
    form.get_by_label("Giấy chứng sinh").check()
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(PDF_BYTES)
    form.locator("input[type=file]").nth(1).set_input_files(str(scan))
    form.locator("input[type=submit]").click()

    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.channel) == (S.ACCEPTED, Channel.IN_PERSON)
    assert page.get_by_text(f"Đã tiếp nhận hồ sơ {dossier.code}").is_visible()
    screenshot(page, f"{width}-walk-in-accepted")
    link = page.locator("#print-mau-01")
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.body()).split())
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text and "Hình thức nộp: Trực tiếp" in text
    assert "Ông/bà: Phạm Thị Lan" in text
    assert re.search(r"Giấy chứng sinh Bản chính 1", text)
    # The citizen follows it on the lookup like any dossier.
    page.goto(f"/tra-cuu/?ma={dossier.code}")
    assert page.get_by_text("Được tiếp nhận").first.is_visible()


def test_accepting_an_online_dossier_emails_mau_01_with_the_acceptance_time(
    page, catalogue, named, screenshot
):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    mail.outbox.clear()
    log_in(page, "motcua")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    assert page.locator("#slip-mau-01").count() == 0  # not accepted: no Mẫu 01 yet
    act(page, "Tiếp nhận")
    accepted = Dossier.objects.get(pk=dossier.pk)
    [email] = mail.outbox
    [(name, content, _)] = email.attachments
    assert name == f"giay-tiep-nhan-{dossier.code}.pdf"
    text = " ".join(pdf_text(content).split())
    received = timezone.localtime(accepted.received_at)
    assert f"Thời gian nhận hồ sơ: {received:%H} giờ {received:%M} phút" in text
    assert "Nguyễn Thị Hoa" in text
    assert page.locator("#slip-mau-01").is_visible()
    screenshot(page, "accepted")


def test_a_sở_resolves_via_leader_approval_and_the_citizen_follows_it(
    page, province, tmp_path, screenshot
):
    """The city's service centre receives a karaoke licence application, forwards it to Sở Văn
    hóa (liên thông); the Sở's specialist proposes, its leader approves; the centre returns the
    result; the citizen follows each step in the lookup."""
    dossier = submitted(province["karaoke"], province["centre"])
    log_in(page, "motcua.hanoi")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    act(page, "Tiếp nhận")
    act(page, "Chuyển liên thông")
    assert page.locator("#resolving-agency").inner_text() == province["culture"].name
    assert page.locator("#dossier-actions").get_by_role("link", name="Thu hồi").is_visible()
    screenshot(page, "forwarded-to-the-so")

    # The citizen sees where the dossier is.
    citizen = page.context.browser.new_page(base_url=page.url.split("/quan-tri")[0])
    citizen.goto(f"/tra-cuu/?ma={dossier.code}")
    assert citizen.locator("#holder").inner_text() == province["culture"].name
    assert citizen.get_by_text("Chuyển liên thông").is_visible()

    log_in(page, "chuyenvien.sovhtt")
    page.goto("/quan-tri/dossiers/dossier/")
    page.get_by_role("link", name=dossier.code).click()
    draft = tmp_path / "giay-phep-karaoke.pdf"
    draft.write_bytes(PDF_BYTES)
    page.locator("#dossier-actions").get_by_role("link", name="Trình lãnh đạo").click()
    page.get_by_label("Dự thảo kết quả").set_input_files(str(draft))
    page.get_by_label("Nội dung trình").fill("Kính trình Giám đốc Sở ký Giấy phép")
    page.locator("#action-form input[type=submit]").click()
    assert page.get_by_text("Đã thực hiện “Trình lãnh đạo”").is_visible()

    log_in(page, "lanhdao.sovhtt")
    page.locator("#queues .queue-cho-phe-duyet").click()
    page.get_by_role("link", name=dossier.code).click()
    act(page, "Phê duyệt")
    assert page.locator("#dossier-status").inner_text() == "Đã xử lý xong"
    screenshot(page, "approved-at-the-so")

    log_in(page, "motcua.hanoi")
    page.locator("#queues .queue-co-ket-qua").click()
    page.get_by_role("link", name=dossier.code).click()
    act(page, "Trả kết quả", lambda p: p.get_by_label("Nhận trực tiếp").check())
    assert Dossier.objects.get(pk=dossier.pk).status == S.RETURNED

    citizen.goto(f"/tra-cuu/?ma={dossier.code}")
    history = citizen.locator("#lookup-history tbody tr").all_inner_texts()
    assert [row.split("\t")[2].split(" (")[0] for row in history] == [
        "Nộp hồ sơ trực tuyến",
        "Tiếp nhận",
        "Chuyển liên thông",
        "Trình lãnh đạo",
        "Phê duyệt",
        "Trả kết quả",
    ]
    assert province["culture"].name in history[2]
    screenshot(citizen, "lookup-after-return")
    citizen.close()
