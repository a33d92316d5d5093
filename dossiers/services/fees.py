"""The fee an officer asks for (status 6) and its payment: online through `payments` (the
citizen pays from the lookup, the gateway's confirmation resumes the dossier) or at the desk
(the officer's "Xác nhận đã nộp phí")."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import deadlines
from dossiers.constants import Channel, DossierStatus, EventAction
from dossiers.fees import SUBJECT, current_fees_paid, dossier_fees, fee_round, round_prefix, vnd
from dossiers.models import Dossier, DossierEvent
from dossiers.services.common import Actor, lock, notify, record
from payments import services as payments
from payments.constants import PaymentEventKind, PaymentState
from payments.fees import fee_lines
from payments.models import PaymentOrder

logger = logging.getLogger(__name__)


@transaction.atomic
def dossier_request_fee(
    *,
    dossier_id: int,
    actor: Actor,
    note: str = "",
    copies: int = 1,
    pages: int = 1,
    amount: int | None = None,
) -> DossierEvent:
    """Ask the citizen to pay; the clock stops meanwhile where the procedure says so.

    The amount comes from the procedure's fee rules for `copies` copies of `pages` pages (at
    the online rate for a dossier submitted online), or is the `amount` the officer entered;
    each fee with something to pay becomes a pending payment order the citizen pays from the
    lookup. A request with nothing to pay online is paid at the desk.
    """
    if copies < 1 or pages < 1:
        raise ValidationError(_("Số bản và số trang phải từ 1 trở lên."), code="fee_quantity")
    if amount is not None and amount <= 0:
        raise ValidationError(_("Số tiền phải lớn hơn 0."), code="fee_amount")
    dossier = lock(dossier_id, actor, EventAction.REQUEST_FEE)
    now = timezone.now()
    prefix = round_prefix(fee_round(dossier) + 1)
    if amount is not None:
        lines = [(f"{prefix}manual", None, _("Phí, lệ phí"), amount)]
    else:
        online = dossier.channel == Channel.ONLINE
        lines = [
            (f"{prefix}{line.rule.pk}", line.rule.pk, line.label, line.amount)
            for line in fee_lines(dossier.procedure, copies=copies, pages=pages, online=online)
            if line.amount > 0
        ]
    return_to = reverse("tracking:detail", args=[dossier.code])
    for fee_key, rule_id, label, line_amount in lines:
        payments.payment_create(
            subject_type=SUBJECT,
            subject_id=dossier.pk,
            reference=dossier.code,
            fee_key=fee_key,
            amount=line_amount,
            description=label,
            agency_id=dossier.holder_id,
            procedure_id=dossier.procedure_id,
            fee_rule_id=rule_id,
            return_to=return_to,
            now=now,
        )
    event = record(
        dossier,
        actor,
        EventAction.REQUEST_FEE,
        fields=deadlines.pause(dossier, EventAction.REQUEST_FEE, DossierStatus.FEE_REQUESTED, now),
        to_status=DossierStatus.FEE_REQUESTED,
        note=note,
        now=now,
    )
    total = sum(line[3] for line in lines)
    notify(
        dossier,
        "fee_requested",
        fees=[{"label": str(label), "amount": vnd(value)} for _key, _rule, label, value in lines],
        total=vnd(total) if total else "",
        note=note,
        paused=dossier.paused_at is not None,
    )
    return event


@transaction.atomic
def dossier_confirm_fee(*, dossier_id: int, actor: Actor, note: str = "") -> DossierEvent:
    """The officer confirms the fee paid at the desk (cash, or a transfer they checked)."""
    dossier = lock(dossier_id, actor, EventAction.CONFIRM_FEE)
    now = timezone.now()
    return record(
        dossier,
        actor,
        EventAction.CONFIRM_FEE,
        fields=deadlines.resume(dossier, now),
        to_status=DossierStatus.PROCESSING,
        note=note,
        now=now,
    )


@transaction.atomic
def dossier_fee_paid(*, dossier_id: int, order_id: int) -> DossierEvent | None:
    """The gateway confirmed the order `order_id`: when every fee of the dossier's current
    request is paid, the dossier goes back to processing (status 4) with its clock resumed, by
    no officer. Return None when nothing changes: the dossier no longer waits for its fee (the
    officer confirmed it at the desk, or a repeated confirmation), or a fee is still awaited."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "receiving_agency", "resolving_agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None or dossier.status != DossierStatus.FEE_REQUESTED:
        return None
    paid = current_fees_paid(dossier)
    if paid is None or order_id not in {order.pk for order in paid}:
        return None
    now = timezone.now()
    references = ", ".join(
        f"{order.txn_ref} (VNPay {order.transaction_no})" if order.transaction_no else order.txn_ref
        for order in paid
    )
    event = record(
        dossier,
        None,
        EventAction.CONFIRM_FEE,
        fields=deadlines.resume(dossier, now),
        to_status=DossierStatus.PROCESSING,
        note=_("Đã thanh toán trực tuyến %(amount)s đồng, giao dịch %(references)s.")
        % {"amount": vnd(sum(order.amount for order in paid)), "references": references},
        now=now,
        actor_name=_("Hệ thống (thanh toán trực tuyến)"),
    )
    notify(
        dossier,
        "fee_paid",
        fees=[
            {"label": order.description, "amount": vnd(order.amount), "txn_ref": order.txn_ref}
            for order in paid
        ],
        total=vnd(sum(order.amount for order in paid)),
        attachments=[{"provider": "fee_receipt", "id": order.pk} for order in paid],
    )
    return event


def dossiers_resume_paid(*, limit: int = 500) -> int:
    """Resume the dossiers still waiting for a fee the gateway has confirmed (celery beat): the
    confirmation's after-commit step failed (the database gone for a moment, the process
    killed) after the payment itself was recorded. Return how many resumed."""
    latest_paid = PaymentOrder.objects.filter(
        subject_type=SUBJECT, subject_id=OuterRef("pk"), state=PaymentState.PAID
    ).order_by("-pk")
    waiting = (
        Dossier.objects.filter(status=DossierStatus.FEE_REQUESTED)
        .annotate(order_id=Subquery(latest_paid.values("pk")[:1]))
        .exclude(order_id=None)
        .values_list("pk", "order_id")[:limit]
    )
    resumed = 0
    for dossier_id, order_id in waiting:
        if dossier_fee_paid(dossier_id=dossier_id, order_id=order_id) is not None:
            logger.warning(
                "Dossier %s resumed after its paid fee's confirmation was lost", dossier_id
            )
            resumed += 1
    return resumed


def payment_confirmed_received(sender, *, subject_type: str, subject_id: int, order_id: int, **kw):
    """payments.signals.payment_confirmed (sent after the order's commit): resume the dossier."""
    if subject_type != SUBJECT:
        return
    dossier_fee_paid(dossier_id=subject_id, order_id=order_id)


def dossier_fee_payment_start(
    *,
    dossier: Dossier,
    fee_key: str,
    return_url: str,
    client_ip: str,
    now: datetime.datetime | None = None,
) -> str:
    """Return the gateway's page where the citizen pays the fee `fee_key` of `dossier` (which
    the caller has verified): the officer's order while it is fresh and untried, else a new
    attempt at the same amount."""
    now = now or timezone.now()
    fee = next((fee for fee in dossier_fees(dossier) if fee.key == fee_key), None)
    if fee is None or not fee.current:
        raise ValidationError(_("Khoản phí này không chờ thanh toán."), code="not_payable")
    if not fee.awaited:
        raise ValidationError(_("Khoản phí này đã được thanh toán."), code="already_paid")
    order = fee.last
    if not _untried(order, now):
        order = payments.payment_create(
            subject_type=SUBJECT,
            subject_id=dossier.pk,
            reference=dossier.code,
            fee_key=fee.key,
            amount=fee.amount,
            description=fee.description,
            agency_id=order.agency_id,
            procedure_id=order.procedure_id,
            fee_rule_id=order.fee_rule_id,
            return_to=order.return_to,
            now=now,
        )
    return payments.payment_redirect_url(
        order_id=order.pk, return_url=return_url, client_ip=client_ip, now=now
    )


def _untried(order: PaymentOrder, now: datetime.datetime) -> bool:
    """Whether the citizen can be sent with `order` itself: pending, not expired, and never
    sent to the gateway (a txn_ref the gateway saw once is not offered twice)."""
    return (
        order.state == PaymentState.PENDING
        and order.expires_at > now
        and not order.events.filter(kind=PaymentEventKind.REDIRECT).exists()
    )
