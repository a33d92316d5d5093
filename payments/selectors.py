from django.db.models import QuerySet

from officers.selectors import agencies_visible
from payments.models import PaymentOrder


def payments_visible(user, orders: QuerySet[PaymentOrder] | None = None) -> QuerySet[PaymentOrder]:
    """Return the orders collected by the agencies in `user`'s scope (their agencies and the
    units below); an order of no agency is the superuser's."""
    orders = PaymentOrder.objects.all() if orders is None else orders
    if user.is_superuser:
        return orders
    return orders.filter(agency__in=agencies_visible(user).values("pk"))


def payments_of(subject_type: str, subject_id: int) -> QuerySet[PaymentOrder]:
    """Return the attempts to pay a subject's fees, newest first (for the pages above)."""
    return PaymentOrder.objects.filter(subject_type=subject_type, subject_id=subject_id)
