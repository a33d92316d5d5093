"""The second factor of the lookup, and satisfaction ratings."""

import hmac
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from dossiers.validators import normalize_phone
from tracking.models import Rating

logger = logging.getLogger("portal.lookup")
# Compared against when the code is unknown, so both answers take the same time.
_DUMMY_PHONE = "0000000000"


def lookup_verify(*, code: str, phone: str, client_ip: str) -> Dossier | None:
    """Return the dossier if `phone` is the mobile number given at submission, else None.

    An unknown code and a wrong number are told apart neither by the answer nor by its timing.
    """
    dossier = (
        Dossier.objects.filter(code=code.strip().upper())
        .only("pk", "code", "applicant_phone")
        .first()
    )
    expected = dossier.applicant_phone if dossier else _DUMMY_PHONE
    given = normalize_phone(phone)
    matched = hmac.compare_digest(given.encode(), expected.encode()) and dossier is not None
    logger.info(
        "lookup verification %s for code=%s from ip=%s",
        "succeeded" if matched else "failed",
        code[:40],
        client_ip,
    )
    return dossier if matched else None


def rating_give(*, dossier: Dossier, score: int, comment: str = "") -> Rating:
    """Record the one rating of a returned dossier."""
    if dossier.status != DossierStatus.RETURNED:
        raise ValidationError(_("Chỉ đánh giá được sau khi đã nhận kết quả."), code="not_returned")
    rating = Rating(dossier=dossier, score=score, comment=comment.strip())
    # The citizen's values (the score's choices, the comment's length); the one-per-dossier rule
    # is the database's, below.
    rating.full_clean(exclude=["dossier"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save(force_insert=True)
            return rating
    except IntegrityError:
        raise ValidationError(_("Hồ sơ này đã được đánh giá."), code="already_rated") from None
