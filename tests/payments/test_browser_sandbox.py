"""A citizen pays through the sandbox gateway in Chromium, and one loses the IPN."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from payments import services, tasks
from payments.constants import PaymentState
from payments.models import PaymentOrder
from tests.payments.conftest import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _sandbox(sandbox):
    sandbox.VNPAY_TMN_CODE = ""
    sandbox.VNPAY_HASH_SECRET = ""


def start(order, live_server) -> str:
    return services.payment_redirect_url(
        order_id=order.pk,
        return_url=f"{live_server.url}/thanh-toan/vnpay/ket-qua/",
        client_ip="127.0.0.1",
    )


def test_paying_in_the_sandbox(page, live_server, agency, screenshot):
    order = make_order(agency)
    page.goto(start(order, live_server))
    assert page.get_by_text(order.txn_ref, exact=True).is_visible()
    assert page.get_by_text("15.000 VND").is_visible()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/vnpay/ket-qua/**")
    assert page.get_by_text("Đã thanh toán. Cơ quan giải quyết").is_visible()
    screenshot(page, "paid")
    assert PaymentOrder.objects.get(pk=order.pk).state == PaymentState.PAID


def test_a_lost_ipn_is_found_by_reconciliation(page, live_server, agency, settings):
    settings.VNPAY_API_URL = f"{live_server.url}/thanh-toan/sandbox/api/"
    order = make_order(agency)
    page.goto(start(order, live_server))
    page.get_by_role("button", name="Thanh toán nhưng mất IPN").click()
    page.wait_for_url("**/thanh-toan/vnpay/ket-qua/**")
    assert page.get_by_text("Đang chờ xác nhận").is_visible()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=True):
        assert tasks.payments_reconcile() == {"paid": 1}
    page.reload()
    assert page.get_by_text("Đã thanh toán. Cơ quan giải quyết").is_visible()
