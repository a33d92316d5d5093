from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self):
        from dossiers import slips
        from dossiers.receipts import receipt_attachment
        from notifications import attachments

        attachments.register("dossier_receipt", receipt_attachment)
        attachments.register("slip_supplement", slips.supplement_attachment)
        attachments.register("slip_refusal", slips.refusal_attachment)
        attachments.register("slip_apology", slips.apology_attachment)
