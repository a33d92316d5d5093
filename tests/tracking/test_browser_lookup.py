"""A resident looks a dossier up by its code, then proves it is theirs to see the details."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dossiers import services
from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier
from dossiers.uploads import inspect
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES
from tracking.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look_up(page, code, phone=None):
    page.goto("/")
    page.get_by_role("link", name="Tra cứu hồ sơ").first.click()
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    if phone:
        page.get_by_role("link", name="Xác thực bằng số điện thoại").click()
        page.get_by_label("Số điện thoại di động đã khai khi nộp hồ sơ").fill(phone)
        page.get_by_role("button", name="Xác thực").click()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_lookup_then_withdraw(request, size, catalogue, desk, screenshot):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])

    look_up(page, dossier.code)
    assert page.locator(".status-badge").inner_text() == "Được tiếp nhận"
    assert not page.get_by_text("Nguyễn Văn An").count()  # no personal data without the phone
    screenshot(page, f"{size}-progress")

    page.get_by_role("link", name="Xác thực bằng số điện thoại").click()
    page.get_by_label("Số điện thoại di động đã khai khi nộp hồ sơ").fill("0900000000")
    page.get_by_role("button", name="Xác thực").click()
    assert page.get_by_text("Mã hồ sơ hoặc số điện thoại không đúng.").is_visible()
    page.get_by_label("Số điện thoại di động đã khai khi nộp hồ sơ").fill("0912 345 678")
    page.get_by_role("button", name="Xác thực").click()
    assert page.get_by_role("heading", name="Chi tiết hồ sơ").is_visible()
    assert page.get_by_text("Nguyễn Văn An").first.is_visible()
    screenshot(page, f"{size}-details")

    page.get_by_role("link", name="Rút hồ sơ").click()
    page.get_by_role("button", name="Xác nhận rút hồ sơ").click()
    assert page.get_by_text("Vui lòng đánh dấu để xác nhận rút hồ sơ.").is_visible()
    page.get_by_label("Lý do rút hồ sơ").fill("Đã nộp trực tiếp tại phường")
    page.get_by_label("Tôi hiểu rằng hồ sơ đã rút").check()
    page.get_by_role("button", name="Xác nhận rút hồ sơ").click()
    assert page.locator(".status-badge").inner_text() == "Công dân yêu cầu rút hồ sơ"
    assert Dossier.objects.get(pk=dossier.pk).status == S.WITHDRAWN


def test_supplement_from_the_lookup_and_rating(page, catalogue, desk, tmp_path):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    services.dossier_request_supplement(
        dossier_id=dossier.pk, actor=desk["receiving"], documents=["Giấy chứng sinh"], reason="Mờ"
    )
    look_up(page, dossier.code, "0912345678")
    page.locator("#supplement-open").get_by_role("link", name="Bổ sung hồ sơ").click()
    page.get_by_role("button", name="Gửi bổ sung").click()
    assert page.get_by_text("Vui lòng đính kèm ít nhất một tệp giấy tờ bổ sung.").is_visible()
    scan = tmp_path / "chung-sinh.pdf"
    scan.write_bytes(PDF_BYTES)
    page.get_by_label("Giấy chứng sinh").set_input_files(str(scan))
    page.get_by_role("button", name="Gửi bổ sung").click()
    assert page.get_by_text("Đã gửi bổ sung hồ sơ").is_visible()
    assert Dossier.objects.get(pk=dossier.pk).status == S.ACCEPTED

    services.dossier_forward(
        dossier_id=dossier.pk, actor=desk["receiving"], department=desk["justice"]
    )
    result = inspect(SimpleUploadedFile("kq.pdf", PDF_BYTES), max_mb=10)
    services.dossier_resolve(dossier_id=dossier.pk, actor=desk["leader"], result_file=result)
    services.dossier_issue_result(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        number="15/QĐ-UBND",
        signed_on=timezone.localdate(),
    )
    services.dossier_return_result(dossier_id=dossier.pk, actor=desk["receiving"], via="online")
    page.goto(f"/tra-cuu/{dossier.code}/chi-tiet/")
    assert page.get_by_role("link", name="Tải kết quả giải quyết").is_visible()
    page.get_by_label("Rất hài lòng").check()
    page.get_by_label("Ý kiến").fill("Cán bộ hướng dẫn rõ ràng")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert page.get_by_text("Cảm ơn bạn đã đánh giá: Rất hài lòng.").is_visible()
    assert Rating.objects.get().comment == "Cán bộ hướng dẫn rõ ràng"
