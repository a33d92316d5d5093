from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thất bại")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUNDED = "refunded", _("Đã hoàn phí")


# The states the gateway may still turn into "paid": a failed or cancelled attempt whose money
# the gateway reports taken after all (a late IPN, a reconciliation query).
PAYABLE_STATES = (PaymentState.PENDING, PaymentState.FAILED, PaymentState.CANCELLED)


class PaymentEventKind(models.TextChoices):
    CREATED = "created", _("Tạo lệnh thanh toán")
    REDIRECT = "redirect", _("Chuyển sang cổng thanh toán")
    RETURN = "return", _("Người nộp quay về từ cổng")
    IPN = "ipn", _("Cổng báo kết quả (IPN)")
    QUERY = "query", _("Tra cứu giao dịch (querydr)")
    MISMATCH = "mismatch", _("Số tiền không khớp, chờ cán bộ xem xét")
    DUPLICATE = "duplicate", _("Nộp trùng khoản phí đã thanh toán, cần hoàn phí")
    EXPIRED = "expired", _("Hết hạn thanh toán")
    REFUND = "refund", _("Hoàn phí")


class RspCode(models.TextChoices):
    """The merchant's answers to VNPay's IPN (the Message is VNPay's English text)."""

    CONFIRMED = "00", "Confirm Success"
    NOT_FOUND = "01", "Order not found"
    ALREADY_CONFIRMED = "02", "Order already confirmed"
    INVALID_AMOUNT = "04", "Invalid amount"
    INVALID_SIGNATURE = "97", "Invalid signature"
    UNKNOWN = "99", "Unknown error"


# vnp_ResponseCode of a payment the customer cancelled on the gateway's page.
RESPONSE_CANCELLED = "24"
