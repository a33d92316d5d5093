"""How the result reaches the citizen beyond the counter: by the public postal service (Bưu chính
công ích: the item number recorded when the desk hands the result to the post, and what became
of the item), or online (the signed result issued with a verification QR code, and its
revocation)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import results, validators
from dossiers.constants import EventAction, PostalState
from dossiers.models import Dossier, DossierEvent, IssuedResult, PostalItem
from dossiers.services.common import Actor, lock, notify, record, require_reason
from dossiers.services.files import files_removed_on_failure, store_content
from dossiers.uploads import PDF, CheckedUpload

OUTCOMES = (PostalState.DELIVERED, PostalState.RETURNED)


def postal_item_send(dossier: Dossier, number: str, now: datetime.datetime) -> PostalItem:
    """Record that the result left by post as item `number`; inside the caller's transaction."""
    number = validators.postal_item(number)
    try:
        with transaction.atomic():
            return PostalItem.objects.create(dossier=dossier, number=number, sent_at=now)
    except IntegrityError:
        raise ValidationError(
            _(
                "Số hiệu bưu gửi %(number)s đã được ghi cho một hồ sơ khác, hoặc hồ sơ này "
                "còn bưu gửi chưa phát."
            )
            % {"number": number},
            code="postal_item_taken",
        ) from None


@transaction.atomic
def dossier_record_postal_outcome(
    *, dossier_id: int, actor: Actor, outcome: str, note: str = ""
) -> DossierEvent:
    """The post reports the item delivered, or brought back (chuyển hoàn): the citizen is told
    of a return, since the result then waits at the desk."""
    if outcome not in OUTCOMES:
        raise ValidationError(_("Kết quả phát không hợp lệ."), code="postal_outcome")
    dossier = lock(dossier_id, actor, EventAction.POSTAL_OUTCOME)
    item = dossier.postal_items.select_for_update().filter(state=PostalState.SENT).first()
    if item is None:
        raise ValidationError(_("Hồ sơ không có bưu gửi nào đang chờ phát."), code="no_postal_item")
    now = timezone.now()
    item.state, item.outcome_at = outcome, now
    item.save(update_fields=["state", "outcome_at"])
    label = PostalState(outcome).label
    event = record(
        dossier,
        actor,
        EventAction.POSTAL_OUTCOME,
        note=f"{item.number}: {label}" + (f" — {note}" if note else ""),
        now=now,
    )
    if outcome == PostalState.RETURNED:
        notify(dossier, "postal_returned", postal_item=item.number, note=note)
    return event


def check_signed_on(value: datetime.date) -> None:
    """A signed result bears a date that has come."""
    if value > timezone.localdate():
        raise ValidationError(_("Ngày ký không được sau hôm nay."), code="signed_on")


def check_signed_pdf(checked: CheckedUpload) -> None:
    """The signed result issued online is a PDF (the verification code is stamped on it)."""
    if checked.content_type != PDF:
        raise ValidationError(_("Kết quả điện tử phải là tệp PDF."), code="not_pdf")


@transaction.atomic
def dossier_issue_result(
    *,
    dossier_id: int,
    actor: Actor,
    number: str,
    signed_on: datetime.date,
    signed_file: CheckedUpload | None = None,
    note: str = "",
) -> DossierEvent:
    """Issue the result online: the signed PDF (`signed_file`, else the approved result), with
    the verification QR code printed on it, becomes the file the citizen downloads; its
    fingerprint and its number are what the public verification page shows."""
    dossier = lock(dossier_id, actor, EventAction.ISSUE_RESULT)
    if IssuedResult.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("Kết quả của hồ sơ này đã được phát hành."), code="issued")
    number = " ".join((number or "").split())
    if not number:
        raise ValidationError(_("Vui lòng nhập số, ký hiệu văn bản."), code="number")
    check_signed_on(signed_on)
    if signed_file is not None:
        check_signed_pdf(signed_file)
        signed_file.upload.seek(0)
        content = signed_file.upload.read()
    elif dossier.result_file and dossier.result_file.name.lower().endswith(".pdf"):
        with dossier.result_file.open("rb") as file:
            content = file.read()
    else:
        raise ValidationError(
            _("Hồ sơ chưa có tệp kết quả PDF: vui lòng tải lên bản đã ký."), code="not_pdf"
        )
    token = results.new_token()
    stamped = results.stamp(content, url=results.verification_url(token), number=number)
    now = timezone.now()
    with files_removed_on_failure() as stored:
        dossier.result_file.name = store_content(stamped, "pdf", stored)
        IssuedResult.objects.create(
            dossier=dossier,
            agency=dossier.resolving_agency or dossier.receiving_agency,
            number=number,
            signed_on=signed_on,
            token=token,
            sha256=results.fingerprint(stamped),
            issued_at=now,
            issued_by=actor,
        )
        return record(
            dossier,
            actor,
            EventAction.ISSUE_RESULT,
            fields=["result_file"],
            note=" — ".join(part for part in (number, note) if part),
            now=now,
        )


@transaction.atomic
def dossier_revoke_result(*, dossier_id: int, actor: Actor, reason: str) -> DossierEvent:
    """Withdraw the agency's word on an issued result ("Thu hồi"): its verification page says
    so, with the reason, and the citizen is told."""
    require_reason(reason, _("Vui lòng ghi rõ lý do thu hồi kết quả."))
    dossier = lock(dossier_id, actor, EventAction.REVOKE_RESULT)
    issued = IssuedResult.objects.select_for_update().filter(dossier=dossier).first()
    if issued is None or not issued.valid:
        raise ValidationError(
            _("Hồ sơ không có kết quả điện tử còn hiệu lực để thu hồi."), code="not_issued"
        )
    now = timezone.now()
    issued.revoked_at, issued.revoked_by, issued.revoke_reason = now, actor, reason
    issued.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    event = record(
        dossier, actor, EventAction.REVOKE_RESULT, note=f"{issued.number}: {reason}", now=now
    )
    notify(dossier, "result_revoked", number=issued.number, reason=reason)
    return event
