"""The lookup's fees (issue 18): each fee's payment state after the second factor, and the
"Thanh toán trực tuyến" button that sends the citizen to the gateway."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from dossiers import services
from payments.models import PaymentOrder
from tests.dossiers.test_fees import PAID, REQUESTED, processing, request_fee
from tests.payments.conftest import SECRET, TMN_CODE, gateway_answer

pytestmark = pytest.mark.django_db
GATEWAY = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"


@pytest.fixture(autouse=True)
def _gateway(settings):
    settings.VNPAY_TMN_CODE = TMN_CODE
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_PAYMENT_URL = GATEWAY
    settings.VNPAY_API_URL = ""


@pytest.fixture
def waiting(trich_luc, desk):
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk, copies=2)
    return dossier


def verified(code) -> Client:
    client = Client()
    client.post("/tra-cuu/xac-thuc/", {"ma": code, "dien_thoai": "0912345678"})
    return client


def fees_section(client, code) -> str:
    body = client.get(f"/tra-cuu/{code}/chi-tiet/").content.decode()
    start = body.index('id="phi-le-phi"')
    return body[start : body.index("</section>", start)]


def test_the_lookup_shows_the_pending_fee_and_its_button(waiting, time_machine):
    time_machine.move_to(REQUESTED, tick=False)
    section = fees_section(verified(waiting.code), waiting.code)
    assert "Phí cấp bản sao Trích lục hộ tịch: <strong>16.000 đồng</strong>" in section
    assert "Chờ thanh toán" in section
    assert "Thanh toán trực tuyến" in section
    order = PaymentOrder.objects.get()
    assert f'name="khoan_phi" value="{order.fee_key}"' in section


def test_the_progress_page_without_the_second_factor_shows_no_fee(waiting):
    body = Client().get(f"/tra-cuu/?ma={waiting.code}").content.decode()
    assert "phi-le-phi" not in body and "Thanh toán trực tuyến" not in body


def test_paying_sends_the_citizen_to_the_gateway_signed(waiting, time_machine):
    time_machine.move_to(REQUESTED, tick=False)
    client = verified(waiting.code)
    order = PaymentOrder.objects.get()
    response = client.post(f"/tra-cuu/{waiting.code}/thanh-toan/", {"khoan_phi": order.fee_key})
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    params = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == GATEWAY
    assert (params["vnp_TxnRef"], params["vnp_Amount"]) == (order.txn_ref, "1600000")
    assert params["vnp_ReturnUrl"] == "http://testserver/thanh-toan/vnpay/ket-qua/"
    # Once sent to the gateway, the order is not offered again: a second click is a new attempt.
    again = client.post(f"/tra-cuu/{waiting.code}/thanh-toan/", {"khoan_phi": order.fee_key})
    second = PaymentOrder.objects.exclude(pk=order.pk).get()
    assert parse_qs(urlsplit(again["Location"]).query)["vnp_TxnRef"] == [second.txn_ref]
    assert (second.fee_key, second.amount, second.state) == (order.fee_key, 16000, "pending")


def test_paying_needs_the_second_factor(waiting):
    order = PaymentOrder.objects.get()
    response = Client().post(f"/tra-cuu/{waiting.code}/thanh-toan/", {"khoan_phi": order.fee_key})
    assert response.status_code == 404
    assert PaymentOrder.objects.count() == 1


def test_an_unknown_fee_is_refused_with_a_message(waiting, time_machine):
    time_machine.move_to(REQUESTED, tick=False)
    client = verified(waiting.code)
    response = client.post(
        f"/tra-cuu/{waiting.code}/thanh-toan/", {"khoan_phi": "r9-manual"}, follow=True
    )
    assert response.status_code == 200
    assert "Khoản phí này không chờ thanh toán." in response.content.decode()


def test_the_paid_fee_shows_paid_and_no_button(
    client, waiting, time_machine, django_capture_on_commit_callbacks
):
    order = PaymentOrder.objects.get()
    time_machine.move_to(PAID, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/thanh-toan/vnpay/ipn/", gateway_answer(order)).json()["RspCode"] == "00"
    section = fees_section(verified(waiting.code), waiting.code)
    assert "Đã thanh toán" in section and "Chờ thanh toán" not in section
    assert f"Mã giao dịch {order.txn_ref}, thanh toán lúc 10:30 08/12/2026" in section
    assert "Thanh toán trực tuyến" not in section
    refused = verified(waiting.code).post(
        f"/tra-cuu/{waiting.code}/thanh-toan/", {"khoan_phi": order.fee_key}, follow=True
    )
    assert "Khoản phí này không chờ thanh toán." in refused.content.decode()


def test_the_return_page_links_back_to_the_lookup(client, waiting):
    order = PaymentOrder.objects.get()
    body = client.get("/thanh-toan/vnpay/ket-qua/", gateway_answer(order)).content.decode()
    assert f'href="/tra-cuu/{waiting.code}/chi-tiet/"' in body


def test_the_desk_confirmation_hides_the_button(waiting, desk, time_machine):
    time_machine.move_to(PAID, tick=False)
    services.dossier_confirm_fee(dossier_id=waiting.pk, actor=desk["receiving"])
    section = fees_section(verified(waiting.code), waiting.code)
    assert "Không còn chờ thanh toán trực tuyến" in section
    assert "Chờ thanh toán" not in section and "Thanh toán trực tuyến" not in section


def test_the_e_receipt_is_downloaded_after_the_second_factor(
    client, waiting, time_machine, django_capture_on_commit_callbacks
):
    order = PaymentOrder.objects.get()
    url = f"/tra-cuu/{waiting.code}/bien-lai/{order.pk}/"
    verified_client = verified(waiting.code)
    assert verified_client.get(url).status_code == 404  # not paid yet
    time_machine.move_to(PAID, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/thanh-toan/vnpay/ipn/", gateway_answer(order))
    assert f'href="{url}"' in fees_section(verified_client, waiting.code)
    response = verified_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "no-store, private"
    assert Client().get(url).status_code == 404
