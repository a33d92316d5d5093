from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "officers"
    verbose_name = _("Cán bộ")

    def ready(self):
        from officers.services import roles_ensure

        post_migrate.connect(roles_ensure, sender=self)
