"""An officer works a dossier through the one-stop desk in the admin; the citizen supplements it."""

import pytest

from dossiers import services
from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier, SupplementRequest
from notifications.models import Message
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/quan-tri/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("MatKhau@123")
    page.get_by_role("button", name="Đăng nhập").click()


def act(page, label, fill=None):
    page.locator("#dossier-actions").get_by_role("link", name=label, exact=True).click()
    if fill:
        fill(page)
    page.locator("#action-form input[type=submit]").click()
    assert page.get_by_text(f"Đã thực hiện “{label}”").is_visible()


def test_officer_processes_a_dossier_end_to_end(page, catalogue, desk, tmp_path, screenshot):
    desk["leader"].first_name = "Lê Quang Huy"
    desk["leader"].save(update_fields=["first_name"])
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    log_in(page, "motcua")
    assert page.locator("#queues .queue-cho-tiep-nhan .queue-count").inner_text() == "1"
    screenshot(page, "index")
    page.locator("#queues .queue-cho-tiep-nhan").click()
    page.get_by_role("link", name=dossier.code).click()
    screenshot(page, "dossier-new")

    act(page, "Tiếp nhận")
    act(
        page,
        "Yêu cầu bổ sung",
        lambda p: (
            p.get_by_label("Giấy chứng sinh").check(),
            p.get_by_label("Lý do").fill("Ảnh Giấy chứng sinh bị mờ, không đọc được số"),
        ),
    )
    assert page.locator("#dossier-status").inner_text() == "Yêu cầu bổ sung giấy tờ"

    # The citizen answers through the link in the email.
    request = SupplementRequest.objects.get()
    citizen = page.context.browser.new_page(base_url=page.url.split("/quan-tri")[0])
    citizen.goto(f"/bo-sung/{request.token}/")
    assert citizen.get_by_text("Ảnh Giấy chứng sinh bị mờ").is_visible()
    scan = tmp_path / "giay-chung-sinh-ro.pdf"
    scan.write_bytes(PDF_BYTES)
    citizen.get_by_label("Giấy chứng sinh").set_input_files(str(scan))
    citizen.get_by_label("Ghi chú gửi cán bộ").fill("Tôi đã chụp lại bản rõ hơn")
    citizen.get_by_role("button", name="Gửi bổ sung").click()
    assert citizen.get_by_text("Đã gửi bổ sung hồ sơ").is_visible()
    citizen.goto(f"/bo-sung/{request.token}/")
    assert citizen.get_by_text("không còn hiệu lực").is_visible()
    citizen.close()

    page.goto("/quan-tri/")
    assert page.locator("#queues .queue-da-bo-sung .queue-count").inner_text() == "1"
    page.locator("#queues .queue-da-bo-sung").click()
    page.get_by_role("link", name=dossier.code).click()
    assert page.get_by_role("link", name="giay-chung-sinh-ro.pdf").is_visible()
    act(
        page,
        "Chuyển xử lý",
        lambda p: (
            p.get_by_label("Chuyển đến phòng, ban").select_option(label="Phòng Tư pháp"),
            p.get_by_label("Cán bộ xử lý").select_option(index=1),
        ),
    )

    # The specialist does not mark the result ready: they submit the draft to the leader.
    log_in(page, "chuyenvien")
    page.locator("#queues .queue-giao-cho-toi").click()
    page.get_by_role("link", name=dossier.code).click()
    assert not page.locator("#dossier-actions").get_by_role("link", name="Có kết quả").count()
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(PDF_BYTES)
    page.locator("#dossier-actions").get_by_role("link", name="Trình lãnh đạo").click()
    page.get_by_label("Dự thảo kết quả").set_input_files(str(result))
    page.get_by_label("Lãnh đạo phê duyệt").select_option(label="Lê Quang Huy")
    page.get_by_label("Nội dung trình").fill("Kính trình lãnh đạo ký Giấy khai sinh")
    screenshot(page, "propose-form")
    page.locator("#action-form input[type=submit]").click()
    assert page.get_by_text("Đã thực hiện “Trình lãnh đạo”").is_visible()
    assert page.locator("#awaiting-approval").inner_text() == "Chờ lãnh đạo phê duyệt"
    assert page.locator("#dossier-actions").get_by_role("link", name="Thu hồi").is_visible()

    log_in(page, "lanhdao")
    assert page.locator("#queues .queue-cho-phe-duyet .queue-count").inner_text() == "1"
    page.locator("#queues .queue-cho-phe-duyet").click()
    page.get_by_role("link", name=dossier.code).click()
    assert page.locator("#proposals .proposal-open").is_visible()
    screenshot(page, "awaiting-approval")
    page.locator("#dossier-actions").get_by_role("link", name="Phê duyệt").click()
    assert page.locator("#pending-proposal").get_by_text("Kính trình lãnh đạo").is_visible()
    with page.expect_popup() as popup:
        page.locator("#pending-proposal").get_by_role("link", name="Xem dự thảo").click()
    popup.value.close()
    page.get_by_label("Lời nhắn gửi công dân").fill("Mang theo CCCD khi đến nhận")
    screenshot(page, "approve-form")
    page.locator("#action-form input[type=submit]").click()
    assert page.get_by_text("Đã thực hiện “Phê duyệt”").is_visible()
    assert page.locator("#dossier-status").inner_text() == "Đã xử lý xong"
    assert page.get_by_role("link", name="Xem tệp kết quả").is_visible()

    log_in(page, "motcua")
    page.locator("#queues .queue-co-ket-qua").click()
    page.get_by_role("link", name=dossier.code).click()
    act(
        page,
        "Trả kết quả",
        lambda p: (
            p.get_by_label("Qua dịch vụ bưu chính công ích").check(),
            p.get_by_label("Số hiệu bưu gửi").fill("EB123456789VN"),
        ),
    )
    screenshot(page, "dossier-returned")

    history = page.locator("#history tbody tr").all_inner_texts()
    actions = [row.split("\t")[2] for row in history]
    assert actions == [
        "Nộp hồ sơ trực tuyến",
        "Tiếp nhận",
        "Yêu cầu bổ sung",
        "Bổ sung hồ sơ",
        "Chuyển xử lý",
        "Trình lãnh đạo",
        "Phê duyệt",
        "Trả kết quả",
    ]
    final = Dossier.objects.get(pk=dossier.pk)
    assert (final.status, final.returned_via) == (S.RETURNED, "post")
    assert list(Message.objects.filter(template="result_ready").values_list("context__note")) == [
        ("Mang theo CCCD khi đến nhận",)
    ]


def test_leader_sends_back_and_the_specialist_recalls(page, catalogue, desk, tmp_path, screenshot):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    services.dossier_forward(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        department=desk["justice"],
        assignee=desk["specialist"],
    )
    draft = tmp_path / "du-thao.pdf"
    draft.write_bytes(PDF_BYTES)
    log_in(page, "chuyenvien")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    act(
        page,
        "Trình lãnh đạo",
        lambda p: p.get_by_label("Dự thảo kết quả").set_input_files(str(draft)),
    )

    log_in(page, "lanhdao")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    act(
        page,
        "Trả lại chuyên viên",
        lambda p: p.get_by_label("Lý do").fill("Ghi sai quê quán trên dự thảo"),
    )
    assert not page.locator("#dossier-actions").get_by_role("link", name="Phê duyệt").count()

    log_in(page, "chuyenvien")
    page.locator("#queues .queue-giao-cho-toi").click()
    page.get_by_role("link", name=dossier.code).click()
    assert page.locator("#proposals").get_by_text("Ghi sai quê quán trên dự thảo").is_visible()
    act(
        page,
        "Trình lãnh đạo",
        lambda p: p.get_by_label("Dự thảo kết quả").set_input_files(str(draft)),
    )
    # Taken back before the leader acts on it.
    act(page, "Thu hồi", lambda p: p.get_by_label("Ghi chú").fill("Bổ sung chữ ký số"))
    assert not page.locator("#awaiting-approval").count()
    assert page.locator("#dossier-actions").get_by_role("link", name="Trình lãnh đạo").is_visible()
    screenshot(page, "recalled")
    outcomes = page.locator("#proposals tbody tr td:last-child").all_inner_texts()
    assert [text.split(" · ")[0] for text in outcomes] == [
        "Trả lại chuyên viên",
        "Người trình đã thu hồi",
    ]
    assert Dossier.objects.get(pk=dossier.pk).assignee == desk["specialist"]


def test_overdue_dossier_is_flagged(page, catalogue, desk, screenshot):
    import datetime

    from django.utils import timezone

    from dossiers import services

    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    log_in(page, "motcua")
    assert page.locator("#queues .queue-qua-han .queue-count").inner_text() == "1"
    page.locator("#queues .queue-qua-han").click()
    assert page.locator(".deadline-danger").first.inner_text() == "Quá hạn"
    screenshot(page, "overdue-list")
