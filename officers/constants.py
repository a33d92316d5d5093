from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Officer roles, one Django group each (the group's name is the label)."""

    RECEIVING = "receiving", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    ADMINISTRATOR = "administrator", _("Quản trị")
