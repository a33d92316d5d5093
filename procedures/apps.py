from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self):
        from core.pagecache import catalogue_changed
        from procedures import models

        # Any edit of the catalogue, from the admin or a loader, refreshes the cached pages.
        for model in [
            models.Agency,
            models.Field,
            models.Procedure,
            models.FeeRule,
            models.RequiredDocument,
            models.FormField,
        ]:
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"cache-{model}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"cache-d-{model}")
        m2m_changed.connect(
            catalogue_changed,
            sender=models.Procedure.receiving_agencies.through,
            dispatch_uid="cache-receiving",
        )
