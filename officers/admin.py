from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from core.adminsafe import SafeParametersMixin
from officers.constants import Role
from officers.models import Officer
from officers.selectors import agencies_visible
from procedures.models import Agency


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
class OfficerUserAdmin(SafeParametersMixin, UserAdmin):
    """Accounts. An administrator manages the officers whose every agency is in their scope
    (a ward's: the ward and its units; a province's: the province), and can neither see
    superusers nor grant superuser status or single permissions. An officer who also works for
    an agency outside the scope is managed by the administrators of both, together, or by the
    superuser: editing their agencies here would drop the one outside."""

    inlines = [OfficerInline]
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active"]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        scope = agencies_visible(request.user).values("pk")
        outside = Agency.objects.exclude(pk__in=scope).values("pk")
        return (
            users.filter(is_superuser=False, officer__agencies__in=scope)
            .exclude(officer__agencies__in=outside)
            .exclude(officer__department__in=outside)
            .distinct()
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "user_permissions", "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=[str(r.label) for r in Role])
        return super().formfield_for_manytomany(db_field, request, **kwargs)
