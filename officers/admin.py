from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from officers.constants import Role
from officers.models import Officer
from officers.selectors import agencies_visible


class OfficerInline(admin.StackedInline):
    model = Officer
    can_delete = False
    verbose_name_plural = _("hồ sơ cán bộ")
    autocomplete_fields = ["agencies", "department"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "agencies" and not request.user.is_superuser:
            kwargs["queryset"] = agencies_visible(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not request.user.is_superuser:
            kwargs["queryset"] = agencies_visible(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class OfficerUserAdmin(UserAdmin):
    """Accounts. A ward's administrator manages the officers of their own agencies only, and
    can neither see superusers nor grant superuser status or single permissions."""

    inlines = [OfficerInline]
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active"]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        scope = agencies_visible(request.user).values("pk")
        return users.filter(is_superuser=False, officer__agencies__in=scope).distinct()

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "user_permissions", "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=[str(r.label) for r in Role])
        return super().formfield_for_manytomany(db_field, request, **kwargs)
