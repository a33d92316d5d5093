from django.db import models
from django.utils.translation import gettext_lazy as _

from tracking.constants import Satisfaction


class Rating(models.Model):
    """The citizen's satisfaction with a dossier, given once after the result is returned."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Satisfaction.choices)
    comment = models.TextField(_("ý kiến"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("đánh giá lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")

    def __str__(self):
        return f"{self.dossier_id}: {self.get_score_display()}"
