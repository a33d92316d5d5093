"""The dossier, its code sequence and its documents."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dossiers.constants import (
    UNFINISHED,
    Channel,
    DossierStatus,
)
from dossiers.models.drafts import upload_path
from procedures.constants import CopyType, ResultDelivery
from procedures.models import Agency, Procedure, RequiredDocument


class Dossier(models.Model):
    """A dossier (hồ sơ) submitted to an agency."""

    code = models.CharField(_("mã hồ sơ"), max_length=30, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=DossierStatus.choices, default=DossierStatus.NEW, db_index=True
    )
    channel = models.PositiveSmallIntegerField(
        _("kênh nộp"), choices=Channel.choices, default=Channel.ONLINE
    )
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=255)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_phone = models.CharField(_("số điện thoại di động"), max_length=20, db_index=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500)
    # The applicant's own identity document, from the declaration fields the procedure marks as
    # the applicant's (FormField.applicant): a 12-digit personal ID, or a passport's number.
    applicant_id_type = models.CharField(_("loại giấy tờ tùy thân"), max_length=100, blank=True)
    applicant_id_number = models.CharField(
        _("số giấy tờ tùy thân"), max_length=30, blank=True, db_index=True
    )
    delivery = models.CharField(
        _("cách nhận kết quả"),
        max_length=20,
        choices=ResultDelivery.choices,
        default=ResultDelivery.IN_PERSON,
    )
    declaration = models.JSONField(_("tờ khai"), default=dict)
    submitted_at = models.DateTimeField(_("thời điểm nộp"), db_index=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    # The legal due date (hạn theo quy định), moved only by legal pauses, against which the
    # dossier is judged; and the appointment given to the citizen, which an apology or a reset
    # moves (dossiers.deadlines, dossiers.timeliness).
    due_at = models.DateTimeField(
        _("hạn giải quyết theo quy định"), null=True, blank=True, db_index=True
    )
    appointment_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    paused_at = models.DateTimeField(
        _("tạm dừng tính thời hạn từ"),
        null=True,
        blank=True,
        help_text=_("Chờ công dân bổ sung hồ sơ hoặc nộp phí: thời gian này không tính vào hạn."),
    )
    apologized_at = models.DateTimeField(_("xin lỗi lần đầu lúc"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    # Liên thông: the agency that resolves a dossier received here, once the desk has forwarded
    # it (its officers see it from then on), and whether it is with that agency now.
    resolving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_dossiers",
    )
    at_resolving_agency = models.BooleanField(_("đang ở cơ quan giải quyết"), default=False)
    current_department = models.ForeignKey(
        Agency,
        verbose_name=_("phòng, ban đang xử lý"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ đang xử lý"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
    )
    result_file = models.FileField(
        _("tệp kết quả"), upload_to=upload_path, max_length=255, blank=True
    )
    returned_via = models.CharField(
        _("hình thức trả kết quả"), max_length=20, choices=ResultDelivery.choices, blank=True
    )
    # The confirmation of an online submission, then Mẫu 01 from acceptance: rendered once each.
    confirmation = models.FileField(
        _("xác nhận nộp trực tuyến"), upload_to="receipts/%Y/%m/", blank=True
    )
    receipt = models.FileField(_("giấy tiếp nhận"), upload_to="receipts/%Y/%m/", blank=True)
    # The proposal awaiting the leader's decision, if any: the dossier is then with the leader.
    pending_proposal = models.OneToOneField(
        "Proposal",
        verbose_name=_("tờ trình chờ phê duyệt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["receiving_agency", "status", "-submitted_at"]),
            # The queue counts of the dossiers in progress, read from this index alone
            # (dossiers.selectors.dossier_queue_counts): a few percent of the rows, where the
            # heap pages they sit on are spread over the whole table.
            models.Index(
                fields=["receiving_agency", "status"],
                include=["due_at", "paused_at", "pending_proposal", "assignee"],
                condition=models.Q(status__in=UNFINISHED),
                name="dossier_unfinished",
            ),
            # The list's total by channel (the walk-in dossiers, "Trực tiếp"), index-only.
            models.Index(fields=["receiving_agency", "channel"], name="dossier_agency_channel"),
        ]
        constraints = [
            # Only the national status codes (domain.md §4), whatever writes the row.
            models.CheckConstraint(
                condition=models.Q(status__in=DossierStatus.values), name="dossier_status_known"
            ),
            # A proposal awaits the leader only while the dossier is being processed: whatever
            # moves it elsewhere (stop, withdrawal) closes the proposal in the same save.
            models.CheckConstraint(
                condition=models.Q(pending_proposal__isnull=True)
                | models.Q(status=DossierStatus.PROCESSING),
                name="dossier_proposal_while_processing",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("dossiers:success", kwargs={"code": self.code})

    @property
    def holder(self) -> Agency:
        """The agency that has the dossier now: the resolving agency while it works on it (liên
        thông), else the receiving agency."""
        return self.resolving_agency if self.at_resolving_agency else self.receiving_agency

    @property
    def holder_id(self) -> int:
        return self.resolving_agency_id if self.at_resolving_agency else self.receiving_agency_id

    @property
    def issued(self):
        """The result issued online (IssuedResult), or None; select_related("issued_result")
        spares the query."""
        try:
            return self.issued_result
        except ObjectDoesNotExist:
            return None

    @property
    def result_online(self) -> bool:
        """Whether the citizen may download the result: delivered online, and issued with its
        verification code and not revoked."""
        online = ResultDelivery.ONLINE
        if not self.result_file or online not in (self.delivery, self.returned_via):
            return False
        return self.issued is not None and self.issued.valid

    @property
    def awaiting_approval(self) -> bool:
        """Whether a proposal awaits the leader's decision (the dossier is with the leader)."""
        return self.pending_proposal_id is not None


class DossierSequence(models.Model):
    """The last dossier number given by an agency on a day: codes restart each day."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_agency_day")
        ]

    def __str__(self):
        return f"{self.agency_id} {self.day}: {self.last}"


class DossierDocument(models.Model):
    """A document of a dossier, for one of the procedure's required documents: a file attached
    online, or a paper received at the desk or by post (with its scan, if the desk made one)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        RequiredDocument, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    document_name = models.CharField(_("tên giấy tờ"), max_length=500)
    file = models.FileField(upload_to=upload_path, max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("dung lượng"), default=0)
    # A paper received at the desk: the kind of copy and how many (blank for an online file).
    paper_copy_type = models.CharField(
        _("loại bản giấy"), max_length=30, choices=CopyType.choices, blank=True
    )
    paper_copies = models.PositiveSmallIntegerField(_("số bản giấy"), default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.document_name

    @property
    def is_paper(self) -> bool:
        return bool(self.paper_copy_type)
