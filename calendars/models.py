from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calendars.constants import DayKind


class CalendarDay(models.Model):
    """A province's correction to the national calendar (the `holidays` package's VN calendar).

    A day off adds a holiday or cancels a make-up working day; a working day cancels a holiday
    or adds a make-up day (ngày làm bù) on a weekend. Every deadline follows the calendar in force.
    """

    province = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"tier": "province"},
    )
    day = models.DateField(_("ngày"))
    kind = models.CharField(_("loại ngày"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("tên, căn cứ"), max_length=255)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["province", "day"], name="calendar_day_unique")
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} · {self.get_kind_display()}"
