from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency


class Officer(models.Model):
    """A civil servant working in the back-office, attached to one or more agencies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan"),
        related_name="officers",
        help_text=_("Cán bộ xem và xử lý hồ sơ của các cơ quan này và các đơn vị trực thuộc."),
    )
    department = models.ForeignKey(
        Agency,
        verbose_name=_("phòng, ban"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="department_officers",
    )
    title = models.CharField(_("chức danh"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
