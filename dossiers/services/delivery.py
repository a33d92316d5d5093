"""The result sent by the public postal service (Bưu chính công ích): the item number recorded
when the desk hands the result to the post, and what became of the item."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.constants import EventAction, PostalState
from dossiers.models import Dossier, DossierEvent, PostalItem
from dossiers.services.common import Actor, lock, notify, record
from dossiers.validators import normalize_postal_item, validate_postal_item

OUTCOMES = (PostalState.DELIVERED, PostalState.RETURNED)


def postal_item_send(dossier: Dossier, number: str, now: datetime.datetime) -> PostalItem:
    """Record that the result left by post as item `number`; inside the caller's transaction."""
    number = normalize_postal_item(number)
    if not number:
        raise ValidationError(
            _("Vui lòng nhập số hiệu bưu gửi khi trả kết quả qua bưu chính."), code="postal_item"
        )
    validate_postal_item(number)
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
