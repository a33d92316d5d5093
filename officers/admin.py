from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.adminsafe import SafeParametersMixin
from officers.constants import Role
from officers.lockout import lockout_clear, with_failed_logins
from officers.models import Officer
from officers.selectors import agencies_visible
from officers.twofactor import devices_reset
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
    list_display = ["username", "first_name", "last_name", "is_staff", "is_active", "failures"]
    # Both act on the rows of `get_queryset` only: an administrator unlocks and resets the
    # officers they manage, never another ward's.
    actions = ["unlock", "otp_reset"]

    @admin.display(description=_("đăng nhập sai"), ordering="failed_logins")
    def failures(self, user):
        return user.failed_logins

    @admin.action(description=_("Mở khóa đăng nhập cho tài khoản đã chọn"), permissions=["change"])
    def unlock(self, request, queryset):
        for user in queryset:
            lockout_clear(username=user.username)
            self.log_change(request, user, _("Mở khóa đăng nhập."))
        self._done(
            request,
            ngettext(
                "Đã mở khóa đăng nhập cho %(count)d tài khoản.",
                "Đã mở khóa đăng nhập cho %(count)d tài khoản.",
                len(queryset),
            ),
            len(queryset),
        )

    @admin.action(
        description=_("Đặt lại xác thực hai lớp (cán bộ đăng ký lại khi đăng nhập)"),
        permissions=["change"],
    )
    def otp_reset(self, request, queryset):
        for user in queryset:
            devices_reset(user=user)
            self.log_change(request, user, _("Đặt lại xác thực hai lớp."))
        self._done(
            request,
            ngettext(
                "Đã đặt lại xác thực hai lớp cho %(count)d tài khoản.",
                "Đã đặt lại xác thực hai lớp cho %(count)d tài khoản.",
                len(queryset),
            ),
            len(queryset),
        )

    def _done(self, request, message: str, count: int) -> None:
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def get_queryset(self, request):
        users = with_failed_logins(super().get_queryset(request))
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
