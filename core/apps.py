from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Dùng chung")

    def ready(self):
        checks.register(site_url_check, checks.Tags.security, deploy=True)


def site_url_check(app_configs, **kwargs):
    """Links in emails and QR codes on slips need the portal's public address."""
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        checks.Error(
            "SITE_URL is not set: links in emails and QR codes on slips need the portal's "
            "public address (e.g. https://dichvucong.example.gov.vn).",
            id="core.E001",
        )
    ]
