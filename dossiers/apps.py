from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self):
        from calendars.services import calendar_changed as calendar_correction
        from dossiers import selectors, slips
        from dossiers.fee_receipts import fee_receipt_attachment
        from dossiers.models import Dossier
        from dossiers.receipts import confirmation_attachment, receipt_attachment
        from dossiers.services.fees import payment_confirmed_received
        from dossiers.signals import calendar_changed, dossier_changed
        from notifications import attachments, scopes
        from payments.signals import payment_confirmed

        attachments.register("dossier_confirmation", confirmation_attachment)
        attachments.register("dossier_receipt", receipt_attachment)
        attachments.register("slip_supplement", slips.supplement_attachment)
        attachments.register("slip_refusal", slips.refusal_attachment)
        attachments.register("slip_apology", slips.apology_attachment)
        attachments.register("fee_receipt", fee_receipt_attachment)
        # An officer sees in the outbox the messages of the dossiers they see.
        scopes.register(
            Dossier._meta.label_lower, lambda user: selectors.dossiers_visible(user).values("pk")
        )

        post_save.connect(dossier_changed, sender=Dossier, dispatch_uid="dossier-counts-save")
        post_delete.connect(dossier_changed, sender=Dossier, dispatch_uid="dossier-counts-delete")
        calendar_correction.connect(calendar_changed, dispatch_uid="dossier-deadlines-calendar")
        # The gateway confirmed a fee (after its commit): the dossier waiting for it resumes.
        payment_confirmed.connect(payment_confirmed_received, dispatch_uid="dossier-fee-paid")
