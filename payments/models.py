from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from payments.constants import PaymentEventKind, PaymentState


class PaymentOrder(models.Model):
    """One attempt to pay one fee: what VNPay knows as vnp_TxnRef.

    Like an outbox message, it names what it pays for without a foreign key to an upper app:
    `subject_type` ("dossiers.dossier"), `subject_id` and a human `reference` (the dossier's code);
    `fee_key` names the fee of that subject ("submission", or the officer's request), so that
    several attempts at one fee are told from another fee of the same dossier. The collecting
    `agency` scopes the officers who see it.
    """

    txn_ref = models.CharField(_("mã giao dịch (vnp_TxnRef)"), max_length=40, unique=True)
    subject_type = models.CharField(_("loại đối tượng"), max_length=100)
    subject_id = models.PositiveBigIntegerField(_("mã đối tượng"))
    reference = models.CharField(_("tham chiếu"), max_length=100, blank=True)
    fee_key = models.CharField(_("khoản phí"), max_length=50)
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan thu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fee_rule = models.ForeignKey(
        "procedures.FeeRule",
        verbose_name=_("phí, lệ phí"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("nội dung"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=PaymentState.choices,
        default=PaymentState.PENDING,
    )
    locale = models.CharField(_("ngôn ngữ cổng"), max_length=2, default="vn")
    # A path on this site the return page links back to (the dossier's lookup page).
    return_to = models.CharField(_("trang quay lại"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    transaction_no = models.CharField(_("mã giao dịch VNPay"), max_length=30, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    pay_date = models.CharField(_("thời điểm thanh toán (GMT+7)"), max_length=14, blank=True)
    # An amount the gateway reported that is not the order's: an officer looks at it.
    needs_review = models.BooleanField(_("cần cán bộ xem xét"), default=False)
    # When reconciliation asks the gateway about this order next (None: never again).
    next_query_at = models.DateTimeField(_("tra cứu lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lệnh thanh toán")
        verbose_name_plural = _("lệnh thanh toán")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="payment_subject"),
            models.Index(
                fields=["next_query_at"],
                name="payment_next_query",
                condition=Q(next_query_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "fee_key"],
                condition=Q(state=PaymentState.PAID),
                name="payment_one_paid_per_fee",
                violation_error_message=_("Khoản phí này đã được thanh toán."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(state__in=PaymentState.values), name="payment_state_known"
            ),
        ]

    def __str__(self):
        return f"{self.txn_ref} · {self.reference}"


class PaymentEvent(models.Model):
    """One thing that happened to an order, or to an order reference nobody has: append-only.

    A rejected request (bad signature, wrong amount, unknown order, replay) is an event with its
    answer and no state change (`from_state` = `to_state`).
    """

    order = models.ForeignKey(
        PaymentOrder,
        verbose_name=_("lệnh thanh toán"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    txn_ref = models.CharField(_("mã giao dịch nhận được"), max_length=100, blank=True)
    kind = models.CharField(_("sự việc"), max_length=10, choices=PaymentEventKind.choices)
    rsp_code = models.CharField(_("mã trả lời"), max_length=2, blank=True)
    from_state = models.CharField(
        _("từ trạng thái"), max_length=10, choices=PaymentState.choices, blank=True
    )
    to_state = models.CharField(
        _("sang trạng thái"), max_length=10, choices=PaymentState.choices, blank=True
    )
    data = models.JSONField(_("dữ liệu nhận được"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự việc thanh toán")
        verbose_name_plural = _("sự việc thanh toán")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.rsp_code}".strip()

    def save(self, *args, **kwargs):
        # The events are the payment's evidence: a row is written once.
        if not self._state.adding:
            raise PermissionDenied(_("Sự việc thanh toán không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("Sự việc thanh toán không được xoá."))


class SandboxTransaction(models.Model):
    """The built-in sandbox gateway's own record of a payment (what VNPay would know), which its
    querydr answers from. Used only with DEBUG on and no real gateway configured."""

    txn_ref = models.CharField(max_length=100, unique=True)
    amount = models.PositiveBigIntegerField()  # × 100, as VNPay counts
    order_info = models.CharField(max_length=255, blank=True)
    response_code = models.CharField(max_length=2)
    transaction_status = models.CharField(max_length=2)
    transaction_no = models.CharField(max_length=30)
    pay_date = models.CharField(max_length=14)
    refunded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("giao dịch cổng thử nghiệm")
        verbose_name_plural = _("giao dịch cổng thử nghiệm")

    def __str__(self):
        return self.txn_ref
