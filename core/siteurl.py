"""The portal's own address, for links and QR codes that leave the page: emails, PDFs, slips.

Deployments set SITE_URL (a system check requires it when DEBUG is off). In a local run without it,
links use the address the current request came in on, so that a QR code printed by `make run` on
another port, or behind another host name, still leads back here.
"""

import contextvars

from django.conf import settings

_request_base: contextvars.ContextVar[str] = contextvars.ContextVar("request_base", default="")
# A local run's last resort (no SITE_URL, no request: a worker started by hand).
FALLBACK = "http://localhost:8000"


def site_url() -> str:
    """Return the portal's address without a trailing slash."""
    return settings.SITE_URL.rstrip("/") or _request_base.get() or FALLBACK


class SiteUrlMiddleware:
    """Remember the address of the request being served, when no SITE_URL is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            return self.get_response(request)
        token = _request_base.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
