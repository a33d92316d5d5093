"""Reconciliation: ask the gateway (querydr) about orders whose result never came, and refunds.

An IPN gets lost; the citizen who paid must not stay unpaid. Beat runs `payments_reconcile`
every minute: each order whose `next_query_at` has come is queried once; a paid answer goes
through `services.gateway_result_apply`, as the IPN does.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import vnpay
from payments.constants import PaymentEventKind, PaymentState
from payments.gateway import GatewayError, api_available, api_call, gateway
from payments.models import PaymentOrder
from payments.services import event_add, gateway_result_apply, mismatch_flag

logger = logging.getLogger(__name__)

QUERY_OK = "00"
QUERY_NOT_FOUND = "91"
STATUS_PAID = "00"
STATUS_PENDING = "01"


def orders_due(*, now: datetime.datetime | None = None, limit: int = 200) -> list[int]:
    """Return the keys of the orders to query now, oldest first."""
    now = now or timezone.now()
    due = PaymentOrder.objects.filter(next_query_at__lte=now).order_by("next_query_at")
    return list(due.values_list("pk", flat=True)[:limit])


def payment_query(*, order_id: int, now: datetime.datetime | None = None) -> str:
    """Query the gateway about one order and apply the answer; return what became of it
    ("paid", "failed", "expired", "mismatch", "unchanged", "error"). Safe to run twice."""
    now = now or timezone.now()
    order = PaymentOrder.objects.get(pk=order_id)
    if order.next_query_at is None:
        return "unchanged"
    current = gateway()
    body = vnpay.querydr_request(
        request_id=uuid.uuid4().hex,
        tmn_code=current.tmn_code,
        txn_ref=order.txn_ref,
        transaction_date=vnpay.gmt7(order.created_at),
        created_at=now,
        ip_addr=settings.VNPAY_SERVER_IP,
        secret=current.secret,
    )
    try:
        answer = {key: str(value) for key, value in api_call(body).items()}
    except (GatewayError, AttributeError) as error:
        event_add(order=order, kind=PaymentEventKind.QUERY, note=str(error)[:500])
        _reschedule(order, now)
        return "error"
    valid = vnpay.api_verify(answer, vnpay.QUERYDR_RESPONSE_FIELDS, current.secret)
    code = answer.get("vnp_ResponseCode", "")
    if not valid or (code == QUERY_OK and answer.get("vnp_TxnRef") != order.txn_ref):
        event_add(order=order, kind=PaymentEventKind.QUERY, data=answer, note="invalid signature")
        _reschedule(order, now)
        return "error"
    if code == QUERY_OK and answer.get("vnp_Amount") != str(order.amount * 100):
        mismatch_flag(order, answer, PaymentEventKind.QUERY)
        return "mismatch"
    status = answer.get("vnp_TransactionStatus", "")
    if code == QUERY_OK and status == STATUS_PAID:
        gateway_result_apply(order_id=order.pk, fields=answer, kind=PaymentEventKind.QUERY)
        return "paid"
    expired = order.expires_at + datetime.timedelta(minutes=5) <= now
    settled = code == QUERY_OK and status != STATUS_PENDING
    if order.state != PaymentState.PENDING and (settled or code == QUERY_NOT_FOUND):
        # A failed or cancelled attempt the gateway confirms unpaid: asked no more.
        event_add(order=order, kind=PaymentEventKind.QUERY, data=answer)
        PaymentOrder.objects.filter(pk=order.pk).update(next_query_at=None)
        return "unchanged"
    if order.state == PaymentState.PENDING and settled:
        gateway_result_apply(order_id=order.pk, fields=answer, kind=PaymentEventKind.QUERY)
        return "failed"
    if order.state == PaymentState.PENDING and expired and code == QUERY_NOT_FOUND:
        return "expired" if payment_expire(order_id=order.pk, answer=answer) else "unchanged"
    event_add(order=order, kind=PaymentEventKind.QUERY, data=answer)
    _reschedule(order, now)
    return "unchanged"


@transaction.atomic
def payment_expire(*, order_id: int, answer: dict | None = None) -> bool:
    """Close a pending order the citizen never paid before it expired: thất bại, not queried
    again (a payment reported later by the gateway still makes it paid)."""
    order = PaymentOrder.objects.select_for_update().get(pk=order_id)
    if order.state != PaymentState.PENDING:
        return False
    order.state = PaymentState.FAILED
    order.next_query_at = None
    order.save(update_fields=["state", "next_query_at"])
    event_add(
        order=order,
        kind=PaymentEventKind.EXPIRED,
        from_state=PaymentState.PENDING,
        data=answer,
    )
    return True


def _reschedule(order: PaymentOrder, now: datetime.datetime) -> None:
    """Ask again later, within VNPAY_RECONCILE_WINDOW_HOURS of the order's creation."""
    window = datetime.timedelta(hours=settings.VNPAY_RECONCILE_WINDOW_HOURS)
    later = now + datetime.timedelta(minutes=settings.VNPAY_RECONCILE_AFTER_MINUTES)
    PaymentOrder.objects.filter(pk=order.pk).update(
        next_query_at=later if later <= order.created_at + window else None
    )


@transaction.atomic
def payment_refund(*, order_id: int, actor, note: str = "", now=None) -> PaymentOrder:
    """Record the refund of a paid order (đã hoàn phí), through the merchant API where one is
    configured; the gateway's refusal leaves the order paid."""
    now = now or timezone.now()
    order = PaymentOrder.objects.select_for_update().get(pk=order_id)
    duplicate = order.needs_review and bool(order.transaction_no)
    if order.state != PaymentState.PAID and not duplicate:
        raise ValidationError(_("Chỉ hoàn phí lệnh đã thanh toán."), code="not_paid")
    before = order.state
    answer: dict = {}
    if api_available():
        current = gateway()
        body = vnpay.refund_request(
            request_id=uuid.uuid4().hex,
            tmn_code=current.tmn_code,
            txn_ref=order.txn_ref,
            amount=order.amount,
            transaction_no=order.transaction_no,
            transaction_date=vnpay.gmt7(order.created_at),
            create_by=getattr(actor, "username", "")[:150],
            created_at=now,
            ip_addr=settings.VNPAY_SERVER_IP,
            secret=current.secret,
        )
        try:
            answer = {key: str(value) for key, value in api_call(body).items()}
        except (GatewayError, AttributeError) as error:
            raise ValidationError(
                _("Không gọi được cổng thanh toán: %(error)s") % {"error": error}, code="gateway"
            ) from error
        if not vnpay.api_verify(answer, vnpay.REFUND_RESPONSE_FIELDS, current.secret):
            raise ValidationError(_("Trả lời của cổng sai chữ ký."), code="gateway")
        if answer.get("vnp_ResponseCode") != QUERY_OK:
            raise ValidationError(
                _("Cổng thanh toán từ chối hoàn phí (mã %(code)s).")
                % {"code": answer.get("vnp_ResponseCode", "")},
                code="gateway",
            )
    order.state = PaymentState.REFUNDED
    order.needs_review = False
    order.save(update_fields=["state", "needs_review"])
    event_add(
        order=order,
        kind=PaymentEventKind.REFUND,
        from_state=before,
        data=answer,
        note=note,
        actor=actor,
    )
    return order
