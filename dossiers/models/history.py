"""What happened to a dossier: its events, supplement requests, proposals to the leader and
officers' internal notes."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.constants import (
    DossierStatus,
    EventAction,
    ProposalOutcome,
)
from dossiers.models.dossier import Dossier
from dossiers.models.drafts import upload_path
from procedures.models import Agency


class DossierEvent(models.Model):
    """One step of a dossier's history: who did what, when, from which status to which."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=40, choices=EventAction.choices)
    from_status = models.PositiveSmallIntegerField(
        _("từ trạng thái"), choices=DossierStatus.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField(
        _("sang trạng thái"), choices=DossierStatus.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=255)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("nơi nhận"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("Cơ quan hoặc phòng, ban giữ hồ sơ sau bước này."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("hạn theo quy định sau bước này"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("hẹn trả sau bước này"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.dossier_id}: {self.get_action_display()}"


class SupplementRequest(models.Model):
    """A request to complete the dossier (Mẫu 02): the clock stops until it is answered."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    documents = models.JSONField(_("giấy tờ cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"))
    from_status = models.PositiveSmallIntegerField(choices=DossierStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    answered_at = models.DateTimeField(_("bổ sung lúc"), null=True, blank=True)
    answer_note = models.TextField(_("ghi chú của công dân"), blank=True)
    reviewed_at = models.DateTimeField(_("cán bộ xem lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_supplement_per_dossier",
            )
        ]
        indexes = [
            # The "đã bổ sung" queue: answered, not yet looked at (a few hundred rows at most).
            models.Index(
                fields=["dossier"],
                condition=models.Q(answered_at__isnull=False, reviewed_at__isnull=True),
                name="supplement_to_review",
            )
        ]

    def __str__(self):
        return f"{self.dossier_id} · {self.requested_at:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Proposal(models.Model):
    """A proposal to the leader (tờ trình): the draft result a specialist submits for approval.

    While it awaits, the dossier points at it (Dossier.pending_proposal) and is with the leader;
    the leader's approval (the draft becomes the result), sending back, or the proposer's recall
    closes it. Closed proposals stay: every draft and every decision is kept.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="proposals")
    draft = models.FileField(_("dự thảo kết quả"), upload_to=upload_path, max_length=255)
    note = models.TextField(_("nội dung trình"), blank=True)
    department = models.ForeignKey(
        Agency,
        verbose_name=_("phòng, ban trình"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Nơi hồ sơ trở về khi lãnh đạo trả lại hoặc người trình thu hồi."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trình"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("trình lúc"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lãnh đạo được trình"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Trống: bất kỳ lãnh đạo nào của cơ quan."),
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("kết quả"), max_length=20, choices=ProposalOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("tờ trình lãnh đạo")
        verbose_name_plural = _("tờ trình lãnh đạo")
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_proposal_per_dossier",
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id} · {self.proposed_at:%d/%m/%Y %H:%M}"


class DossierNote(models.Model):
    """An internal note between officers; never shown to the citizen."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ghi chú nội bộ")
        verbose_name_plural = _("ghi chú nội bộ")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]
