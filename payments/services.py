"""Payment orders' writes: creating one, sending the citizen to the gateway, and the gateway's
answers (IPN, querydr) through one function that locks the row.

The gateway is the only one who says an order is paid, and only in a signed message whose
amount is the order's. Anything else leaves an event and no state change.
"""

import datetime
import logging
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import vnpay
from payments.constants import (
    PAYABLE_STATES,
    RESPONSE_CANCELLED,
    PaymentEventKind,
    PaymentState,
    RspCode,
)
from payments.gateway import gateway
from payments.models import PaymentEvent, PaymentOrder
from payments.signals import payment_confirmed

logger = logging.getLogger(__name__)


def event_add(
    *,
    order: PaymentOrder | None,
    kind: str,
    txn_ref: str = "",
    rsp_code: str = "",
    to_state: str | None = None,
    from_state: str | None = None,
    data: Mapping | None = None,
    note: str = "",
    actor=None,
) -> PaymentEvent:
    """Append an event (one INSERT; `to_state` defaults to no change)."""
    state = order.state if order else ""
    return PaymentEvent.objects.create(
        order=order,
        txn_ref=(txn_ref or (order.txn_ref if order else ""))[:100],
        kind=kind,
        rsp_code=rsp_code,
        from_state=state if from_state is None else from_state,
        to_state=state if to_state is None else to_state,
        data=dict(data or {}),
        note=note[:500],
        actor=actor,
    )


def new_txn_ref(now: datetime.datetime) -> str:
    """Return a fresh vnp_TxnRef: the GMT+7 second and 6 random hex digits (VNPay asks it
    unique per day; this is unique for good)."""
    return f"{vnpay.gmt7(now)[2:]}{secrets.token_hex(3).upper()}"


@transaction.atomic
def payment_create(
    *,
    subject_type: str,
    subject_id: int,
    reference: str,
    fee_key: str,
    amount: int,
    description: str,
    agency_id: int | None = None,
    procedure_id: int | None = None,
    fee_rule_id: int | None = None,
    return_to: str = "",
    locale: str = "vn",
    now: datetime.datetime | None = None,
) -> PaymentOrder:
    """Create a pending order for one fee of a subject (a dossier): one more attempt, refused
    when the fee is already paid or the amount is not positive."""
    now = now or timezone.now()
    if amount <= 0:
        raise ValidationError(_("Khoản phí không có số tiền phải nộp."), code="nothing_to_pay")
    paid = PaymentOrder.objects.filter(
        subject_type=subject_type, subject_id=subject_id, fee_key=fee_key, state=PaymentState.PAID
    )
    if paid.exists():
        raise ValidationError(_("Khoản phí này đã được thanh toán."), code="already_paid")
    order = PaymentOrder(
        txn_ref=new_txn_ref(now),
        subject_type=subject_type,
        subject_id=subject_id,
        reference=reference,
        fee_key=fee_key,
        agency_id=agency_id,
        procedure_id=procedure_id,
        fee_rule_id=fee_rule_id,
        description=description,
        amount=amount,
        locale="en" if locale == "en" else "vn",
        return_to=return_to if return_to.startswith("/") and not return_to.startswith("//") else "",
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.VNPAY_EXPIRE_MINUTES),
        next_query_at=now + datetime.timedelta(minutes=settings.VNPAY_RECONCILE_AFTER_MINUTES),
    )
    order.full_clean()
    order.save()
    event_add(order=order, kind=PaymentEventKind.CREATED, from_state="")
    return order


def payment_redirect_url(
    *, order_id: int, return_url: str, client_ip: str, now: datetime.datetime | None = None
) -> str:
    """Return the gateway's signed payment page for a pending order (and log the redirect);
    refused once the order is no longer payable or has expired: the citizen starts another."""
    now = now or timezone.now()
    order = PaymentOrder.objects.get(pk=order_id)
    if order.state != PaymentState.PENDING:
        raise ValidationError(
            _("Lệnh thanh toán này không còn chờ thanh toán."), code="not_pending"
        )
    if order.expires_at <= now:
        raise ValidationError(
            _("Lệnh thanh toán đã hết hạn, vui lòng tạo lệnh mới."), code="expired"
        )
    current = gateway()
    params = vnpay.payment_params(
        tmn_code=current.tmn_code,
        amount=order.amount,
        txn_ref=order.txn_ref,
        order_info=f"Thanh toan {order.reference} {order.txn_ref}",
        return_url=return_url,
        ip_addr=client_ip or "127.0.0.1",
        created_at=order.created_at,
        expires_at=order.expires_at,
        locale=order.locale,
    )
    event_add(order=order, kind=PaymentEventKind.REDIRECT, data={"vnp_IpAddr": client_ip})
    return vnpay.payment_url(current.payment_url, params, current.secret)


def payment_return_seen(params: Mapping[str, str]) -> tuple[PaymentOrder | None, bool]:
    """Log the citizen's return from the gateway and return (the order, whether the signature
    holds). Display only: no state changes here, the IPN or the reconciliation decides."""
    fields = _vnp_fields(params)
    valid = vnpay.verify_query(fields, gateway().secret)
    order = PaymentOrder.objects.filter(txn_ref=fields.get("vnp_TxnRef", "")).first()
    event_add(
        order=order,
        kind=PaymentEventKind.RETURN,
        txn_ref=fields.get("vnp_TxnRef", ""),
        data=fields,
        note="" if valid else "invalid signature",
    )
    return order, valid


def payment_ipn(params: Mapping[str, str]) -> RspCode:
    """Handle VNPay's IPN and return the answer; every call leaves one event."""
    fields = _vnp_fields(params)
    txn_ref = fields.get("vnp_TxnRef", "")
    if not vnpay.verify_query(fields, gateway().secret):
        order = PaymentOrder.objects.filter(txn_ref=txn_ref).first() if txn_ref else None
        return _rejected(order, txn_ref, fields, RspCode.INVALID_SIGNATURE)
    order = PaymentOrder.objects.filter(txn_ref=txn_ref).first()
    if order is None:
        return _rejected(None, txn_ref, fields, RspCode.NOT_FOUND)
    if fields.get("vnp_Amount") != str(order.amount * 100):
        mismatch_flag(order, fields, PaymentEventKind.IPN)
        return RspCode.INVALID_AMOUNT
    if not _may_change(order, fields):
        # A repeat (the gateway retries, or replays): answered without taking the lock.
        return _rejected(order, txn_ref, fields, RspCode.ALREADY_CONFIRMED)
    return gateway_result_apply(order_id=order.pk, fields=fields, kind=PaymentEventKind.IPN)


@transaction.atomic
def gateway_result_apply(*, order_id: int, fields: Mapping[str, str], kind: str) -> RspCode:
    """Apply a signed gateway result whose amount is the order's (IPN or querydr) under the
    order's row lock: paid, failed or cancelled; a result that changes nothing answers 02."""
    order = PaymentOrder.objects.select_for_update().get(pk=order_id)
    if not _may_change(order, fields):
        return _rejected(order, order.txn_ref, fields, RspCode.ALREADY_CONFIRMED, kind=kind)
    if vnpay.is_paid(fields) and _fee_paid_elsewhere(order):
        return _duplicate(order, fields, kind)
    before = order.state
    update = ["state", "next_query_at", "transaction_no", "bank_code", "pay_date"]
    order.transaction_no = str(fields.get("vnp_TransactionNo", ""))[:30]
    order.bank_code = str(fields.get("vnp_BankCode", ""))[:20]
    order.pay_date = str(fields.get("vnp_PayDate", ""))[:14]
    if vnpay.is_paid(fields):
        order.state = PaymentState.PAID
        order.paid_at = timezone.now()
        order.next_query_at = None
        update.append("paid_at")
    else:
        cancelled = fields.get("vnp_ResponseCode") == RESPONSE_CANCELLED
        order.state = PaymentState.CANCELLED if cancelled else PaymentState.FAILED
        # Asked once more later: a gateway may still report the money taken.
        order.next_query_at = timezone.now() + datetime.timedelta(
            minutes=settings.VNPAY_RECONCILE_AFTER_MINUTES
        )
    order.save(update_fields=update)
    event_add(
        order=order,
        kind=kind,
        rsp_code=RspCode.CONFIRMED if kind == PaymentEventKind.IPN else "",
        from_state=before,
        to_state=order.state,
        data=fields,
    )
    if order.state == PaymentState.PAID:
        transaction.on_commit(lambda: _send_confirmed(order), robust=True)
    return RspCode.CONFIRMED


def _fee_paid_elsewhere(order: PaymentOrder) -> bool:
    others = PaymentOrder.objects.filter(
        subject_type=order.subject_type,
        subject_id=order.subject_id,
        fee_key=order.fee_key,
        state=PaymentState.PAID,
    )
    return others.exclude(pk=order.pk).exists()


def _duplicate(order: PaymentOrder, fields: Mapping[str, str], kind: str) -> RspCode:
    """The citizen paid a fee twice (two attempts open at once): the second payment is taken
    note of (the gateway gets "00") and flagged for an officer to refund; the order stays
    unpaid, since the fee has one paid order."""
    order.needs_review = True
    order.next_query_at = None
    order.transaction_no = str(fields.get("vnp_TransactionNo", ""))[:30]
    order.pay_date = str(fields.get("vnp_PayDate", ""))[:14]
    order.save(update_fields=["needs_review", "next_query_at", "transaction_no", "pay_date"])
    event_add(
        order=order,
        kind=PaymentEventKind.DUPLICATE,
        rsp_code=RspCode.CONFIRMED if kind == PaymentEventKind.IPN else "",
        data=fields,
    )
    logger.warning("Payment %s: fee already paid by another order", order.txn_ref)
    return RspCode.CONFIRMED


def _send_confirmed(order: PaymentOrder) -> None:
    payment_confirmed.send(
        sender=PaymentOrder,
        order_id=order.pk,
        subject_type=order.subject_type,
        subject_id=order.subject_id,
        reference=order.reference,
        fee_key=order.fee_key,
        amount=order.amount,
    )


def _may_change(order: PaymentOrder, fields: Mapping[str, str]) -> bool:
    """Whether a gateway result changes the order: a pending one takes any result; a failed or
    cancelled one only "paid"; paid and refunded ones nothing."""
    if order.needs_review and order.transaction_no:
        return False  # a duplicate payment, waiting for its refund
    if order.state == PaymentState.PENDING:
        return True
    return order.state in PAYABLE_STATES and vnpay.is_paid(fields)


def mismatch_flag(order: PaymentOrder, fields: Mapping[str, str], kind: str) -> None:
    """Flag an amount the gateway reported that is not the order's: never accepted, and no
    longer queried (an officer looks at it)."""
    with transaction.atomic():
        PaymentOrder.objects.filter(pk=order.pk).update(needs_review=True, next_query_at=None)
        event_add(
            order=order,
            kind=PaymentEventKind.MISMATCH,
            rsp_code=RspCode.INVALID_AMOUNT if kind == PaymentEventKind.IPN else "",
            data=fields,
            note=_("Cổng báo %(reported)s, lệnh là %(expected)s (×100).")
            % {"reported": fields.get("vnp_Amount", ""), "expected": order.amount * 100},
        )
    logger.warning("Payment %s: amount mismatch %s", order.txn_ref, fields.get("vnp_Amount"))


def _rejected(
    order: PaymentOrder | None,
    txn_ref: str,
    fields: Mapping[str, str],
    code: RspCode,
    *,
    kind: str = PaymentEventKind.IPN,
) -> RspCode:
    rsp_code = code if kind == PaymentEventKind.IPN else ""
    event_add(order=order, kind=kind, txn_ref=txn_ref, rsp_code=rsp_code, data=fields)
    return code


def _vnp_fields(params: Mapping[str, str]) -> dict[str, str]:
    return {key: str(params[key]) for key in params if key.startswith("vnp_")}
