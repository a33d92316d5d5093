"""The access log for personal data (Nghị định 13/2023/NĐ-CP): append-only."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.constants import AccessAction
from procedures.models import Agency


class AccessRecordQuerySet(models.QuerySet):
    """No bulk rewriting of the log either: `update()` and `delete()` refuse."""

    def update(self, **kwargs):
        raise PermissionDenied(_("Nhật ký truy cập không được sửa."))

    def delete(self):
        raise PermissionDenied(_("Nhật ký truy cập không được xoá."))


class AccessRecord(models.Model):
    """One officer's access to personal data: who, when, what, about what, from where.

    Written only by `audit.services.access_record`; a row once written is never changed or
    deleted: the save of an existing row and every delete raise, and on PostgreSQL a trigger
    refuses any UPDATE or DELETE but the one a deleted account causes (`user` set to NULL; the
    row keeps the username). Migration 0002."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text: the row still names the officer after the account is gone.
    username = models.CharField(_("tên đăng nhập"), max_length=150)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    action = models.CharField(_("thao tác"), max_length=20, choices=AccessAction.choices)
    subject_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(_("mã đối tượng"), null=True, blank=True)
    reference = models.CharField(_("đối tượng"), max_length=200)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        # An agency whose log exists is kept (made inactive), like one holding dossiers.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A dossier forwarded to another agency (liên thông) is that agency's too: its officers'
    # accesses are read by both agencies' administrators and leaders, as the dossier is.
    resolving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("địa chỉ IP"), max_length=64, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="audit_subject")]

    def __str__(self) -> str:
        return f"{self.username} · {self.get_action_display()} · {self.reference}"

    def save(self, *args, **kwargs):
        # The log is evidence: a row is written once.
        if not self._state.adding:
            raise PermissionDenied(_("Nhật ký truy cập không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("Nhật ký truy cập không được xoá."))
