from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyFigure(models.Model):
    """One receiving agency's figures for one month, precomputed from dossiers and their events.

    The flows (stats.constants.FLOWS) count what happened in the month; the stocks (STOCKS) are
    the state at the month's end, or at `MonthlyRefresh.computed_at` for the current month.
    """

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"))
    # Flows.
    received = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    resolved_early = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    resolved_late = models.PositiveIntegerField(default=0)
    resolved_e_result = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    returned_online = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    ratings_satisfied = models.PositiveIntegerField(default=0)
    # Stocks.
    pending_on_time = models.PositiveIntegerField(default=0)
    pending_overdue = models.PositiveIntegerField(default=0)
    pending_paused = models.PositiveIntegerField(default=0)
    not_accepted = models.PositiveIntegerField(default=0)

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
    """How many dossiers of a procedure an agency accepted in a month (for "top procedures")."""

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


class MonthlyRefresh(models.Model):
    """When a month's figures were last computed, for every agency at once.

    A month computed with nothing to count has this row and no MonthlyFigure: its figures are
    zeros, not missing. The row is also the lock that keeps two refreshes of a month apart.
    """

    month = models.DateField(_("tháng"), unique=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("lần tính số liệu tháng")
        verbose_name_plural = _("lần tính số liệu tháng")

    def __str__(self):
        return f"{self.month:%m/%Y}: {self.computed_at:%Y-%m-%d %H:%M}"
