from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class MessageState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class SmsPolicy(models.TextChoices):
    """settings.SMS_NOTIFY: when a dossier's citizen is also told by SMS."""

    FALLBACK = "fallback", _("Chỉ khi công dân không có thư điện tử")
    ALWAYS = "always", _("Luôn gửi thêm tin nhắn")
    NEVER = "never", _("Không gửi tin nhắn")
