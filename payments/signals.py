"""What payments tells the apps above it (dossiers subscribes in its AppConfig.ready)."""

from django.dispatch import Signal

# Sent once per order, after the transaction that marked it paid has committed, with
# order_id, subject_type, subject_id, reference, fee_key and amount (VND).
payment_confirmed = Signal()
