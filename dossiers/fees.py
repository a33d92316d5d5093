"""What a dossier's fees stand at: the orders `payments` holds for it, read per fee.

An officer's fee request (status 6) is a round: its orders' `fee_key` is "r<n>-<rule>" (or
"r<n>-manual" for an amount the officer entered), n counting the dossier's fee requests, so that
a second request later in the dossier's life is told from the first. The dossier resumes when
every fee of the current round has a paid order.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from dossiers.constants import DossierStatus, EventAction
from dossiers.models import Dossier
from payments.constants import PaymentState
from payments.models import PaymentOrder
from payments.selectors import payments_of

SUBJECT = "dossiers.dossier"  # Dossier._meta.label_lower, without importing the model's meta


@dataclass(frozen=True)
class Fee:
    """One fee asked of the citizen, with its attempts (newest first)."""

    key: str
    description: str
    amount: int
    state: str  # paid, refunded, or pending (still awaited, whatever became of its attempts)
    paid: PaymentOrder | None
    last: PaymentOrder
    current: bool  # of the fee request the dossier waits on now

    @property
    def awaited(self) -> bool:
        """Whether the fee is still to be paid online (the dossier waits on it)."""
        return self.state == PaymentState.PENDING and self.current

    @property
    def state_label(self) -> str:
        if self.state == PaymentState.PENDING and not self.current:
            # The desk confirmed it (cash at the counter), or the dossier went on without it.
            return _("Không còn chờ thanh toán trực tuyến")
        return str(PaymentState(self.state).label)

    @property
    def last_failed(self) -> bool:
        """Whether the last attempt failed or was cancelled (the fee is still awaited)."""
        return self.paid is None and self.last.state in (
            PaymentState.FAILED,
            PaymentState.CANCELLED,
        )


def fee_round(dossier: Dossier) -> int:
    """Return the number of fee requests the dossier has had (the current round's number)."""
    return dossier.events.filter(action=EventAction.REQUEST_FEE).count()


def round_prefix(number: int) -> str:
    return f"r{number}-"


def dossier_fees(dossier: Dossier, orders=None) -> list[Fee]:
    """Return the dossier's fees in the order they were asked for. `orders` are its payment
    orders when the caller read them already (newest first)."""
    orders = list(payments_of(SUBJECT, dossier.pk) if orders is None else orders)
    waiting = dossier.status == DossierStatus.FEE_REQUESTED
    prefix = round_prefix(fee_round(dossier)) if waiting and orders else None
    attempts: dict[str, list[PaymentOrder]] = {}
    for order in orders:
        attempts.setdefault(order.fee_key, []).append(order)
    fees = []
    for key, tries in attempts.items():
        paid = next((order for order in tries if order.state == PaymentState.PAID), None)
        last = tries[0]
        if paid is not None:
            state = PaymentState.PAID
        elif last.state == PaymentState.REFUNDED:
            state = PaymentState.REFUNDED
        else:
            state = PaymentState.PENDING
        fees.append(
            Fee(
                key=key,
                description=last.description,
                amount=last.amount,
                state=state,
                paid=paid,
                last=last,
                current=prefix is not None and key.startswith(prefix),
            )
        )
    fees.reverse()  # oldest request first
    return fees


def current_fees_paid(dossier: Dossier) -> list[PaymentOrder] | None:
    """Return the paid orders of the request a dossier waiting for its fee (status 6) waits on,
    if every one of its fees is paid, else None (a fee still awaited, a request with nothing to
    pay online, or a dossier not waiting)."""
    current = [fee for fee in dossier_fees(dossier) if fee.current]
    if not current or any(fee.paid is None for fee in current):
        return None
    return sorted((fee.paid for fee in current), key=lambda order: order.fee_key)


def vnd(amount: int) -> str:
    """Return `amount` with Vietnamese thousands grouping ("15.000"), for messages rendered
    outside a request's locale."""
    return f"{amount:,}".replace(",", ".")
