from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "officers"
    verbose_name = _("Cán bộ")

    def ready(self):
        from officers.selectors import catalogue_scope
        from officers.services import roles_ensure
        from procedures import scopes

        # The catalogue's back-office asks the officers app what a user may manage.
        scopes.register(catalogue_scope)

        post_migrate.connect(roles_ensure, sender=self)
