"""Officers read the orders of their agencies' scope and record refunds."""

import pytest
from django.contrib.messages import get_messages

from officers.constants import Role
from payments import services
from payments.constants import PaymentEventKind, PaymentState
from payments.models import SandboxTransaction
from tests.dossiers.factories import make_officer
from tests.factories import AgencyFactory
from tests.payments.conftest import gateway_answer, make_order

pytestmark = pytest.mark.django_db
URL = "/quan-tri/payments/paymentorder/"


def test_an_officer_sees_the_orders_of_their_agency_only(client):
    mine, other = AgencyFactory(), AgencyFactory()
    seen = make_order(mine, subject_id=1)
    hidden = make_order(other, subject_id=2)
    client.force_login(make_officer("lanhdao", Role.LEADER, agencies=[mine]))
    body = client.get(URL).content.decode()
    assert seen.txn_ref in body and hidden.txn_ref not in body
    assert client.get(f"{URL}{hidden.pk}/change/").status_code == 302  # not found: to the index
    page = client.get(f"{URL}{seen.pk}/change/").content.decode()
    assert "Tạo lệnh thanh toán" in page


def test_recording_a_refund_without_an_api(admin_client, admin_user, agency):
    order = make_order(agency)
    services.payment_ipn(gateway_answer(order))
    pending = make_order(agency, fee_key="other")
    response = admin_client.post(
        URL, {"action": "refund", "_selected_action": [order.pk, pending.pk]}, follow=True
    )
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert texts == [
        f"{order.txn_ref}: đã hoàn phí.",
        f"{pending.txn_ref}: Chỉ hoàn phí lệnh đã thanh toán.",
    ]
    order.refresh_from_db()
    assert order.state == PaymentState.REFUNDED
    event = order.events.get(kind=PaymentEventKind.REFUND)
    assert (event.from_state, event.to_state, event.actor) == ("paid", "refunded", admin_user)


def test_a_refund_goes_through_the_sandbox_api(admin_client, sandbox, agency):
    sandbox.VNPAY_HASH_SECRET = ""
    sandbox.VNPAY_TMN_CODE = ""
    order = make_order(agency)
    record = SandboxTransaction.objects.create(
        txn_ref=order.txn_ref,
        amount=1500000,
        response_code="00",
        transaction_status="00",
        transaction_no="14226112",
        pay_date="20261208103512",
    )
    from payments.gateway import SANDBOX_SECRET

    services.payment_ipn(gateway_answer(order, secret=SANDBOX_SECRET))
    admin_client.post(URL, {"action": "refund", "_selected_action": [order.pk]})
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.state == PaymentState.REFUNDED and record.refunded is True
    assert order.events.get(kind="refund").data["vnp_ResponseCode"] == "00"
    # The gateway refuses a second refund; the order was already refunded anyway.
    response = admin_client.post(URL, {"action": "refund", "_selected_action": [order.pk]})
    assert response.status_code == 302
    assert order.events.filter(kind="refund").count() == 1
