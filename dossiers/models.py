import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dossiers.constants import (
    UNFINISHED,
    Channel,
    DossierStatus,
    EventAction,
    PostalState,
    ProposalOutcome,
)
from procedures.constants import CopyType, ResultDelivery
from procedures.models import Agency, Procedure, RequiredDocument


def upload_path(instance, filename):
    """Store every upload under a generated name; the citizen's file name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"uploads/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


class Draft(models.Model):
    """A dossier being written in the intake wizard, kept server-side for one browser session."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session_key = models.CharField(max_length=64, db_index=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, related_name="+")
    declaration = models.JSONField(default=dict, blank=True)
    contact = models.JSONField(default=dict, blank=True)
    dossier = models.OneToOneField(
        "Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")

    def __str__(self):
        return f"{self.procedure.code} · {self.token}"


class DraftFile(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(RequiredDocument, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=upload_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


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
    def result_online(self) -> bool:
        """Whether the citizen may download the result: delivered online, and issued with its
        verification code and not revoked (IssuedResult)."""
        online = ResultDelivery.ONLINE
        if not self.result_file or online not in (self.delivery, self.returned_via):
            return False
        return IssuedResult.objects.filter(dossier_id=self.pk, revoked_at__isnull=True).exists()

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
