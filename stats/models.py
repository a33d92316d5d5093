from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyFigure(models.Model):
    """One receiving agency's figures for one month, precomputed from dossiers and their events."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"))
    received = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    resolved_early = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    resolved_late = models.PositiveIntegerField(default=0)
    pending_on_time = models.PositiveIntegerField(default=0)
    pending_overdue = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    ratings_satisfied = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("số liệu tháng")
        verbose_name_plural = _("số liệu tháng")
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="monthly_figure_agency_month")
        ]
        indexes = [models.Index(fields=["month", "agency"])]

    def __str__(self):
        return f"{self.agency_id} {self.month:%m/%Y}"


class MonthlyProcedureFigure(models.Model):
    """How many dossiers of a procedure an agency received in a month (for "top procedures")."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "procedure"], name="monthly_procedure_figure_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "agency"])]

    def __str__(self):
        return f"{self.agency_id} {self.month:%m/%Y} {self.procedure_id}: {self.received}"
