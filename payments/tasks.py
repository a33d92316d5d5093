from celery import shared_task

from payments import reconcile


@shared_task
def payments_reconcile() -> dict[str, int]:
    """Query the gateway about each order due (beat, every minute); safe to run twice."""
    outcomes: dict[str, int] = {}
    for order_id in reconcile.orders_due():
        outcome = reconcile.payment_query(order_id=order_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
