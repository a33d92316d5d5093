from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    default = True
    name = "officers"
    verbose_name = _("Cán bộ")

    def ready(self):
        from officers.selectors import catalogue_scope
        from officers.services import roles_ensure
        from procedures import scopes

        # The catalogue's back-office asks the officers app what a user may manage.
        scopes.register(catalogue_scope)

        post_migrate.connect(roles_ensure, sender=self)


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (two-factor login) as `admin.site`."""

    default = False
    default_site = "officers.admin_site.PortalAdminSite"
