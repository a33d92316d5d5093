"""The IPN (the business update) and the return page (display only)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from payments import services
from payments.constants import PaymentEventKind, PaymentState
from payments.models import PaymentEvent, PaymentOrder
from payments.signals import payment_confirmed
from tests.payments.conftest import GATEWAY_URL, NOW, RETURN_URL, gateway_answer, make_order

IPN = "/thanh-toan/vnpay/ipn/"
RETURN = "/thanh-toan/vnpay/ket-qua/"


def changes(order) -> list[tuple[str, str]]:
    """The state changes an order went through, from its events."""
    return [
        (event.from_state, event.to_state)
        for event in order.events.order_by("pk")
        if event.from_state != event.to_state
    ]


@pytest.fixture
def confirmed():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    payment_confirmed.connect(receiver, dispatch_uid="test-payment-confirmed")
    yield calls
    payment_confirmed.disconnect(dispatch_uid="test-payment-confirmed")


@pytest.mark.django_db
def test_the_redirect_goes_to_the_gateway_with_the_order_signed(agency):
    order = make_order(agency, now=NOW)
    url = services.payment_redirect_url(
        order_id=order.pk, return_url=RETURN_URL, client_ip="203.0.113.5", now=NOW
    )
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == GATEWAY_URL
    assert query["vnp_Amount"] == "1500000"
    assert query["vnp_TxnRef"] == order.txn_ref
    assert query["vnp_CreateDate"] == "20261208103000"
    assert query["vnp_ExpireDate"] == "20261208104500"
    assert query["vnp_ReturnUrl"] == RETURN_URL
    assert query["vnp_TmnCode"] == "TESTTMN1"
    assert [e.kind for e in order.events.order_by("pk")] == ["created", "redirect"]


@pytest.mark.django_db(transaction=True)
def test_a_paid_ipn_confirms_once_and_the_repeat_answers_02(client, agency, confirmed):
    order = make_order(agency)
    answer = gateway_answer(order)
    first = client.get(IPN, answer)
    assert first.status_code == 200
    assert first.json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert confirmed == [
        {
            "signal": payment_confirmed,
            "order_id": order.pk,
            "subject_type": "dossiers.dossier",
            "subject_id": 7,
            "reference": "000.26.H26-261208-0007",
            "fee_key": "submission",
            "amount": 15000,
        }
    ]
    again = client.get(IPN, answer)
    assert again.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    order.refresh_from_db()
    assert order.state == PaymentState.PAID
    assert order.transaction_no == "14226112" and order.pay_date == "20261208103512"
    assert order.next_query_at is None
    assert changes(order) == [("", "pending"), ("pending", "paid")]
    assert list(order.events.filter(kind="ipn").values_list("rsp_code", flat=True)) == ["00", "02"]
    assert len(confirmed) == 1


@pytest.mark.django_db
def test_the_signal_waits_for_the_commit(agency, confirmed, django_capture_on_commit_callbacks):
    order = make_order(agency)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.payment_ipn(gateway_answer(order)) == "00"
        assert confirmed == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [call["order_id"] for call in confirmed] == [order.pk]


@pytest.mark.django_db
def test_a_repeat_is_answered_in_two_statements(agency, django_assert_num_queries):
    order = make_order(agency)
    services.payment_ipn(gateway_answer(order))
    with django_assert_num_queries(2):  # the order, the event
        assert services.payment_ipn(gateway_answer(order)) == "02"


@pytest.mark.django_db
def test_a_wrong_amount_answers_04_flags_the_order_and_changes_nothing(client, agency):
    order = make_order(agency)
    response = client.get(IPN, gateway_answer(order, amount=1500))
    assert response.json() == {"RspCode": "04", "Message": "Invalid amount"}
    order.refresh_from_db()
    assert order.state == PaymentState.PENDING and order.needs_review is True
    event = order.events.get(kind=PaymentEventKind.MISMATCH)
    assert event.rsp_code == "04" and event.data["vnp_Amount"] == "150000"
    assert event.from_state == event.to_state == "pending"


@pytest.mark.django_db
def test_an_unknown_order_answers_01_and_is_logged(client, agency):
    order = make_order(agency)
    answer = gateway_answer(order)
    PaymentOrder.objects.filter(pk=order.pk).update(txn_ref="OTHER")
    response = client.get(IPN, answer)
    assert response.json() == {"RspCode": "01", "Message": "Order not found"}
    event = PaymentEvent.objects.get(rsp_code="01")
    assert event.order is None and event.txn_ref == order.txn_ref


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        {"vnp_ResponseCode": "00"},  # a cancelled payment turned into a paid one
        {"vnp_Amount": "100"},
        {"vnp_SecureHash": "0" * 128},
    ],
)
def test_a_bad_signature_answers_97_and_changes_nothing(client, agency, tamper):
    order = make_order(agency)
    answer = {**gateway_answer(order, response="24", status="02"), **tamper}
    response = client.get(IPN, answer)
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    order.refresh_from_db()
    assert order.state == PaymentState.PENDING and order.needs_review is False
    assert changes(order) == [("", "pending")]
    assert order.events.get(kind="ipn").rsp_code == "97"


@pytest.mark.django_db
def test_a_signature_with_another_secret_answers_97(client, agency):
    order = make_order(agency)
    response = client.get(IPN, gateway_answer(order, secret="not the merchant's"))
    assert response.json()["RspCode"] == "97"


@pytest.mark.django_db
def test_failure_and_cancellation_then_a_late_payment(client, agency):
    failed = make_order(agency, subject_id=1)
    cancelled = make_order(agency, subject_id=2)
    assert client.get(IPN, gateway_answer(failed, response="51", status="02")).json()[
        "RspCode"
    ] == ("00")
    assert client.get(IPN, gateway_answer(cancelled, response="24", status="02")).json()[
        "RspCode"
    ] == ("00")
    failed.refresh_from_db()
    cancelled.refresh_from_db()
    assert (failed.state, cancelled.state) == (PaymentState.FAILED, PaymentState.CANCELLED)
    # The same failure again changes nothing; the gateway reporting the money taken does.
    again = client.get(IPN, gateway_answer(failed, response="51", status="02"))
    assert again.json()["RspCode"] == "02"
    assert client.get(IPN, gateway_answer(failed)).json()["RspCode"] == "00"
    failed.refresh_from_db()
    assert changes(failed) == [("", "pending"), ("pending", "failed"), ("failed", "paid")]


@pytest.mark.django_db
def test_a_second_payment_of_a_paid_fee_is_flagged_for_refund_not_paid(agency):
    order = make_order(agency)
    second = make_order(agency)  # a second attempt at the same fee, opened in another tab
    services.payment_ipn(gateway_answer(order))
    assert services.payment_ipn(gateway_answer(second)) == "00"  # taken note of
    second.refresh_from_db()
    assert second.state == PaymentState.PENDING and second.needs_review is True
    assert second.events.get(kind=PaymentEventKind.DUPLICATE).rsp_code == "00"
    assert services.payment_ipn(gateway_answer(second)) == "02"
    assert PaymentOrder.objects.filter(state=PaymentState.PAID).get() == order


@pytest.mark.django_db
def test_the_database_refuses_a_second_paid_order_of_a_fee(agency):
    from django.db import IntegrityError, transaction

    order = make_order(agency)
    second = make_order(agency)
    PaymentOrder.objects.filter(pk=order.pk).update(state=PaymentState.PAID)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentOrder.objects.filter(pk=second.pk).update(state=PaymentState.PAID)


@pytest.mark.django_db
def test_a_new_attempt_at_a_paid_fee_is_refused(agency):
    order = make_order(agency)
    services.payment_ipn(gateway_answer(order))
    with pytest.raises(ValidationError) as error:
        make_order(agency)
    assert error.value.messages == ["Khoản phí này đã được thanh toán."]
    make_order(agency, fee_key="fee-request-12")  # another fee of the same dossier


@pytest.mark.django_db
def test_the_ipn_before_the_return_shows_paid(client, agency):
    order = make_order(agency)
    answer = gateway_answer(order)
    client.get(IPN, answer)
    page = client.get(RETURN, answer)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Đã thanh toán. Cơ quan giải quyết đã nhận được khoản phí của bạn." in body
    assert order.reference in body and "15.000" in body
    assert 'href="/tra-cuu/"' in body


@pytest.mark.django_db
def test_the_return_without_the_ipn_shows_pending_and_changes_nothing(client, agency):
    order = make_order(agency)
    page = client.get(RETURN, gateway_answer(order))
    assert "Đang chờ xác nhận" in page.content.decode()
    order.refresh_from_db()
    assert order.state == PaymentState.PENDING
    assert [e.kind for e in order.events.order_by("pk")] == ["created", "return"]
    assert page["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_a_tampered_return_shows_an_error_and_changes_nothing(client, agency):
    order = make_order(agency)
    page = client.get(RETURN, {**gateway_answer(order, response="24"), "vnp_ResponseCode": "00"})
    assert page.status_code == 400
    assert "chữ ký không hợp lệ" in page.content.decode()
    order.refresh_from_db()
    assert order.state == PaymentState.PENDING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_ipns_confirm_once(agency, confirmed):
    order = make_order(agency)
    answer = gateway_answer(order)
    start = threading.Barrier(8)

    def ipn(_):
        try:
            start.wait(timeout=30)
            return services.payment_ipn(answer).value
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(ipn, range(8)))
    assert codes == ["00"] + ["02"] * 7
    order.refresh_from_db()
    assert order.state == PaymentState.PAID
    assert changes(order) == [("", "pending"), ("pending", "paid")]
    assert order.events.filter(kind="ipn").count() == 8
    assert [call["order_id"] for call in confirmed] == [order.pk]


@pytest.mark.django_db
def test_events_are_written_once(agency):
    from django.core.exceptions import PermissionDenied

    event = make_order(agency).events.get()
    event.note = "sửa"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    assert PaymentEvent.objects.get(pk=event.pk).note == ""
