from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    """What an officer did with personal data (Nghị định 13/2023/NĐ-CP)."""

    VIEW = "view", _("Xem hồ sơ")
    ATTACHMENT = "attachment", _("Tải giấy tờ đính kèm")
    SLIP = "slip", _("Tải phiếu/giấy tiếp nhận")
    RESULT = "result", _("Tải kết quả")
    EXPORT = "export", _("Xuất sổ theo dõi")
