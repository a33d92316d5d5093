from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from officers.models import Officer


class OfficerInline(admin.StackedInline):
    model = Officer
    can_delete = False
    verbose_name_plural = _("hồ sơ cán bộ")
    autocomplete_fields = ["agencies", "department"]


admin.site.unregister(User)


@admin.register(User)
class OfficerUserAdmin(UserAdmin):
    inlines = [OfficerInline]
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active"]
