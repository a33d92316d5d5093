"""A level-4 fee in the browser (issue 18): the specialist asks for it in the back-office, the
citizen pays it from the lookup through the sandbox gateway, and the dossier is processed
again."""

import pytest

from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier
from payments.models import PaymentOrder
from tests.dossiers.factories import DossierFactory
from tests.dossiers.test_browser_backoffice import act, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _sandbox(settings):
    """The built-in sandbox stands in for VNPay (DEBUG, no payment URL)."""
    settings.DEBUG = True
    settings.VNPAY_PAYMENT_URL = ""
    settings.VNPAY_TMN_CODE = ""
    settings.VNPAY_HASH_SECRET = ""
    settings.VNPAY_API_URL = ""


@pytest.mark.parametrize("width", [1280, 360])
def test_the_citizen_pays_the_requested_fee_online(page, trich_luc, desk, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    dossier = DossierFactory(
        procedure=trich_luc,
        receiving_agency=trich_luc.receiving_agencies.get(),
        actor=desk["receiving"],
        department=desk["justice"],
        handler=desk["specialist"],
        processing=True,
    )
    log_in(page, "chuyenvien")
    page.goto(f"/quan-tri/dossiers/dossier/{dossier.pk}/change/")
    act(page, "Yêu cầu thu phí", lambda p: p.get_by_label("Số bản").fill("2"))
    assert (
        page.locator("#fee-1")
        .inner_text()
        .startswith("Phí cấp bản sao Trích lục hộ tịch: 16.000 đồng · Chờ thanh toán")
    )
    screenshot(page, f"{width}-officer-requested")

    page.context.clear_cookies()
    page.goto(f"/tra-cuu/?ma={dossier.code}")
    page.get_by_role("link", name="Xác thực bằng số điện thoại").click()
    page.get_by_label("Số điện thoại di động đã khai khi nộp hồ sơ").fill(dossier.applicant_phone)
    page.get_by_role("button", name="Xác thực").click()
    fee = page.locator("#fee-1")
    assert "Phí cấp bản sao Trích lục hộ tịch: 16.000 đồng" in fee.inner_text()
    assert fee.locator(".fee-state").inner_text() == "Chờ thanh toán"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{width}-lookup-pending")
    fee.get_by_role("button", name="Thanh toán trực tuyến").click()

    page.wait_for_url("**/thanh-toan/sandbox/**")
    assert page.get_by_text("16.000 VND").is_visible()
    screenshot(page, f"{width}-sandbox")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/vnpay/ket-qua/**")
    assert page.get_by_text("Đã thanh toán. Cơ quan giải quyết").is_visible()
    page.get_by_role("link", name="Quay lại hồ sơ").click()

    page.wait_for_url(f"**/tra-cuu/{dossier.code}/chi-tiet/")
    assert page.locator("#fee-1 .fee-state").inner_text() == "Đã thanh toán"
    assert page.get_by_role("button", name="Thanh toán trực tuyến").count() == 0
    receipt = page.get_by_role("link", name="Tải biên lai điện tử (PDF)")
    order = PaymentOrder.objects.get()
    assert receipt.get_attribute("href") == f"/tra-cuu/{dossier.code}/bien-lai/{order.pk}/"
    assert page.get_by_text("Đang xử lý", exact=True).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{width}-lookup-paid")
    assert Dossier.objects.get(pk=dossier.pk).status == S.PROCESSING
    assert PaymentOrder.objects.get().state == "paid"
