"""The built-in sandbox gateway, and reconciliation through its merchant API over real HTTP."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from payments import services, tasks
from payments.constants import PaymentEventKind, PaymentState
from payments.gateway import SANDBOX_SECRET
from payments.models import PaymentOrder, SandboxTransaction
from tests.payments.conftest import make_order

SANDBOX = "/thanh-toan/sandbox/"
API = "/thanh-toan/sandbox/api/"
RETURN_URL = "http://testserver/thanh-toan/vnpay/ket-qua/"


@pytest.fixture(autouse=True)
def _sandbox_secret(sandbox):
    sandbox.VNPAY_TMN_CODE = ""
    sandbox.VNPAY_HASH_SECRET = ""


def redirect(order) -> str:
    url = services.payment_redirect_url(
        order_id=order.pk, return_url=RETURN_URL, client_ip="203.0.113.5"
    )
    assert url.startswith(f"{SANDBOX}?")
    return url


def form_fields(url) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def pay(client, order, choice):
    url = redirect(order)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(SANDBOX, {**form_fields(url), "choice": choice})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.django_db
def test_the_sandbox_page_shows_the_order_and_its_choices(client, agency):
    order = make_order(agency)
    body = client.get(redirect(order)).content.decode()
    assert order.txn_ref in body and "15.000 VND" in body
    for label in ("Thanh toán", "Hủy", "Thất bại", "Thanh toán nhưng mất IPN"):
        assert f">{label}</button>" in body


@pytest.mark.django_db
def test_paying_in_the_sandbox_sends_the_ipn_and_returns_signed(client, agency):
    order = make_order(agency)
    location = pay(client, order, "pay")
    assert location.startswith(f"{RETURN_URL}?")
    order.refresh_from_db()
    assert order.state == PaymentState.PAID
    assert order.events.get(kind=PaymentEventKind.IPN).rsp_code == "00"
    page = client.get(location)
    assert "Đã thanh toán." in page.content.decode()
    record = SandboxTransaction.objects.get(txn_ref=order.txn_ref)
    assert (record.amount, record.transaction_status) == (1500000, "00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("choice", "state", "message"),
    [
        ("cancel", PaymentState.CANCELLED, "Bạn đã hủy giao dịch."),
        ("fail", PaymentState.FAILED, "Thanh toán không thành công."),
        ("pay_lost_ipn", PaymentState.PENDING, "Đang chờ xác nhận"),
    ],
)
def test_the_other_choices(client, agency, choice, state, message):
    order = make_order(agency)
    location = pay(client, order, choice)
    order.refresh_from_db()
    assert order.state == state
    assert message in client.get(location).content.decode()


@pytest.mark.django_db
def test_the_sandbox_refuses_a_tampered_or_expired_redirect(client, agency):
    order = make_order(agency)
    url = redirect(order)
    tampered = {**form_fields(url), "vnp_Amount": "100"}
    page = client.get(SANDBOX, tampered)
    assert page.status_code == 400
    assert "Chữ ký yêu cầu thanh toán không hợp lệ." in page.content.decode()
    assert client.post(SANDBOX, {**tampered, "choice": "pay"}).status_code == 400
    assert not SandboxTransaction.objects.exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        page = client.get(url)
    assert page.status_code == 400
    assert "Giao dịch đã hết hạn thanh toán." in page.content.decode()


@pytest.mark.django_db
def test_the_sandbox_is_not_found_without_debug_or_with_a_real_gateway(client, settings, agency):
    settings.DEBUG = False
    assert client.get(SANDBOX).status_code == 404
    assert client.post(API, "{}", content_type="application/json").status_code == 404
    settings.DEBUG = True
    settings.VNPAY_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    assert client.get(SANDBOX).status_code == 404


@pytest.mark.django_db
def test_an_expired_order_is_refused_a_redirect_and_closed_by_reconciliation(agency):
    order = make_order(agency)
    later = timezone.now() + datetime.timedelta(minutes=21)
    with pytest.raises(Exception, match="hết hạn"):
        services.payment_redirect_url(
            order_id=order.pk, return_url=RETURN_URL, client_ip="203.0.113.5", now=later
        )
    with time_machine.travel(later, tick=False):
        assert tasks.payments_reconcile() == {"expired": 1}
        assert tasks.payments_reconcile() == {}
    order.refresh_from_db()
    assert order.state == PaymentState.FAILED and order.next_query_at is None
    assert order.events.filter(kind=PaymentEventKind.EXPIRED).count() == 1


@pytest.mark.django_db
def test_a_pending_order_not_yet_due_is_not_queried(agency):
    make_order(agency)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4), tick=False):
        assert tasks.payments_reconcile() == {}


@pytest.mark.django_db
def test_reconciliation_flags_an_amount_the_gateway_disagrees_with(agency):
    order = make_order(agency)
    SandboxTransaction.objects.create(
        txn_ref=order.txn_ref,
        amount=150000,  # 1.500 đồng, not 15.000
        response_code="00",
        transaction_status="00",
        transaction_no="14226113",
        pay_date="20261208103512",
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        assert tasks.payments_reconcile() == {"mismatch": 1}
        assert tasks.payments_reconcile() == {}
    order.refresh_from_db()
    assert order.state == PaymentState.PENDING and order.needs_review is True
    assert order.events.get(kind=PaymentEventKind.MISMATCH).data["vnp_Amount"] == "150000"


@pytest.mark.django_db
def test_a_failed_order_becomes_paid_when_the_gateway_says_so(client, agency):
    order = make_order(agency)
    pay(client, order, "fail")
    SandboxTransaction.objects.filter(txn_ref=order.txn_ref).update(
        response_code="00", transaction_status="00"
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        assert tasks.payments_reconcile() == {"paid": 1}
    order.refresh_from_db()
    assert order.state == PaymentState.PAID
    assert order.events.filter(kind=PaymentEventKind.QUERY).get().to_state == "paid"


@pytest.mark.django_db
def test_a_failed_order_the_gateway_confirms_unpaid_is_asked_no_more(client, agency):
    order = make_order(agency)
    pay(client, order, "fail")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        assert tasks.payments_reconcile() == {"unchanged": 1}
        assert tasks.payments_reconcile() == {}
    order.refresh_from_db()
    assert order.state == PaymentState.FAILED and order.next_query_at is None


@pytest.mark.django_db(transaction=True)
def test_return_without_ipn_then_reconciliation_over_http_marks_it_paid(
    client, agency, live_server, settings
):
    settings.VNPAY_API_URL = f"{live_server.url}{API}"
    order = make_order(agency)
    location = pay(client, order, "pay_lost_ipn")
    assert "Đang chờ xác nhận" in client.get(location).content.decode()
    assert PaymentOrder.objects.get(pk=order.pk).state == PaymentState.PENDING
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=True):
        assert tasks.payments_reconcile() == {"paid": 1}
    order.refresh_from_db()
    assert order.state == PaymentState.PAID and order.transaction_no
    query = order.events.get(kind=PaymentEventKind.QUERY)
    assert (query.from_state, query.to_state) == ("pending", "paid")
    assert query.data["vnp_ResponseCode"] == "00" and query.data["vnp_Amount"] == "1500000"
    assert "Đã thanh toán." in client.get(location).content.decode()


@pytest.mark.django_db
def test_the_sandbox_api_refuses_a_bad_checksum(client, agency):
    from payments import vnpay

    order = make_order(agency)
    body = vnpay.querydr_request(
        request_id="R1",
        tmn_code="PORTALSB",
        txn_ref=order.txn_ref,
        transaction_date="20261208103000",
        created_at=timezone.now(),
        ip_addr="127.0.0.1",
        secret="wrong",
    )
    answer = client.post(API, body, content_type="application/json").json()
    assert answer["vnp_ResponseCode"] == "97"
    assert vnpay.api_verify(answer, vnpay.QUERYDR_RESPONSE_FIELDS, SANDBOX_SECRET)
    assert client.post(API, "[1]", content_type="application/json").json() == {
        "vnp_ResponseCode": "03",
        "vnp_Message": "Invalid data format",
    }
