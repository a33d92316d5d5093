from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Tra cứu và đánh giá")

    def ready(self):
        from tracking.cache import dossier_saved

        post_save.connect(dossier_saved, sender="dossiers.Dossier", dispatch_uid="lookup-cache")
