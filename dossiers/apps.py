from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self):
        from dossiers.receipts import receipt_attachment
        from notifications import attachments

        attachments.register("dossier_receipt", receipt_attachment)
