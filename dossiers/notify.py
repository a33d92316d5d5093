"""What the citizen is told about their dossier: the dossier's messages, composed here and sent
through the outbox (notifications), which knows nothing of dossiers."""

from dossiers import receipts
from dossiers.models import Dossier
from notifications.models import Message
from notifications.services import notify


def dossier_notify(
    *,
    dossier: Dossier,
    template: str,
    extra_context: dict | None = None,
    attachments: list[dict] | None = None,
    summary: dict | None = None,
) -> list[Message]:
    """Tell a dossier's citizen about a change by email, SMS or both; return the queued messages.

    Call it inside the transaction that changes the dossier: nothing is sent if it rolls back. The
    email goes to `applicant_email`, with `attachments`; an SMS to `applicant_phone` as
    settings.SMS_NOTIFY says (notifications.services.notify).

    The context is the dossier's summary (receipts.dossier_summary: code, procedure, agency,
    agency_address, agency_phone, agency_hours, applicant_name, due_at, delivery, originals,
    lookup_url…), or `summary` when the caller built it already, updated with `extra_context`,
    which must be JSON-able: pass dates as formatted text. Templates live in
    templates/notifications/email/<template>.{subject.txt,txt,html} and
    templates/notifications/sms/<template>.txt, each listing the keys it reads:

    - dossier_submitted: the summary alone (attach the receipt, Mẫu 01);
    - dossier_accepted: due_at, the appointment, and optional received_at (attach Mẫu 01);
    - supplement_requested: documents (names, or {"name", "note"}), reason, supplement_url;
    - dossier_refused: reason (attach Mẫu 03); dossier_stopped: reason; dossier_ended: reason
      (the dossier ended without a result, "Kết thúc");
    - result_ready: delivery, optional note and result_url; result_returned: returned_via,
      optional returned_at, postal_item (a result sent by post) and feedback_url;
    - postal_returned: postal_item, optional note (the post brought the result back);
    - result_revoked: number (the issued result's), reason;
    - apology: old_due_at, new_due_at, reason (attach Mẫu 04);
    - fee_requested: fees ({"label", "amount"}, amounts as "15.000"), total ("" when nothing
      is payable online), note, paused; fee_paid: fees ({"label", "amount", "txn_ref"}), total.

    Attachments are named by the providers registered in DossiersConfig.ready.
    """
    return notify(
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        template=template,
        context={**(summary or receipts.dossier_summary(dossier)), **(extra_context or {})},
        subject=dossier,
        reference=dossier.code,
        attachments=attachments,
    )
