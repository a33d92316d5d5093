"""How the result reaches the citizen beyond the counter: postal items and the result issued
online."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.constants import (
    PostalState,
)
from dossiers.models.dossier import Dossier
from procedures.models import Agency


class PostalItem(models.Model):
    """A result handed to the public postal service: the item number VNPost gave it and what
    became of it. A result the post brought back may be sent again under a new number."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="postal_items")
    number = models.CharField(_("số hiệu bưu gửi"), max_length=13, unique=True)
    state = models.CharField(
        _("tình trạng"), max_length=20, choices=PostalState.choices, default=PostalState.SENT
    )
    sent_at = models.DateTimeField(_("giao cho bưu chính lúc"))
    outcome_at = models.DateTimeField(_("ghi nhận kết quả phát lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bưu gửi kết quả")
        verbose_name_plural = _("bưu gửi kết quả")
        ordering = ["sent_at", "pk"]
        constraints = [
            # One item on its way at a time.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(state=PostalState.SENT),
                name="one_postal_item_on_its_way",
            ),
        ]

    def __str__(self):
        return self.number


class IssuedResult(models.Model):
    """The result issued online: the signed file the citizen downloads, with a QR code printed on
    it that leads anyone holding the paper or the file to its public verification page
    (`token`), which says whether the agency still stands by it."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="issued_result")
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("số, ký hiệu văn bản"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    # Random, 128 bits: the verification page cannot be found by counting.
    token = models.CharField(max_length=40, unique=True, editable=False)
    sha256 = models.CharField(_("mã băm SHA-256 của tệp"), max_length=64)
    issued_at = models.DateTimeField(_("phát hành lúc"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")

    def __str__(self):
        return self.number

    @property
    def valid(self) -> bool:
        return self.revoked_at is None
