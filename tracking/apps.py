from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Tra cứu và đánh giá")

    def ready(self):
        from tracking.cache import dossier_saved

        post_save.connect(dossier_saved, sender="dossiers.Dossier", dispatch_uid="lookup-cache")
        checks.register(rates_check)


RATES = (
    "LOOKUP_RATE_PER_IP",
    "VERIFY_RATE_PER_IP",
    "VERIFY_RATE_PER_CODE",
    "CAPTCHA_REFRESH_RATE",
)


def rates_check(**kwargs):
    """A rate the limits library cannot read fails at startup, not on a citizen's lookup."""
    from tracking.throttle import rate

    errors = []
    for name in RATES:
        try:
            rate(getattr(settings, name))
        except ValueError:
            errors.append(
                checks.Error(
                    f"{name}={getattr(settings, name)!r} is not a rate such as '60/minute'.",
                    id="tracking.E001",
                )
            )
    return errors
