from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.constants import MessageChannel, MessageState


class Message(models.Model):
    """One message the portal promised to send: written in the transaction that causes it."""

    channel = models.CharField(_("kênh"), max_length=10, choices=MessageChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    template = models.CharField(_("mẫu"), max_length=100)
    context = models.JSONField(_("dữ liệu"), default=dict)
    attachments = models.JSONField(_("tệp đính kèm"), default=list, blank=True)
    # What the message is about, named without knowing its app: "app_label.model" and the row's
    # key (like the admin's LogEntry, without a content-type lookup per message). The app that
    # owns the subject registers which messages an officer may see (notifications.scopes).
    subject_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(_("mã đối tượng"), null=True, blank=True)
    # A human name for the subject, shown and searched in the outbox (a dossier's code).
    reference = models.CharField(_("tham chiếu"), max_length=100, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=MessageState.choices,
        default=MessageState.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # If the message is still pending at this time, the periodic task queues it again: the broker
    # was down at commit, the worker died, or the retry it waits for was lost.
    requeue_at = models.DateTimeField(_("xếp lại hàng lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("hộp thư đi")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "requeue_at"], name="message_state_requeue_at"),
            models.Index(fields=["subject_type", "subject_id"], name="message_subject"),
            # The drain's next message (services.messages_drain): the oldest never tried, found
            # without walking the sent ones.
            models.Index(
                fields=["id"],
                condition=models.Q(
                    state=MessageState.PENDING, attempts=0, channel=MessageChannel.EMAIL
                ),
                name="message_untried_email",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.template}"
