"""Which gateway the portal speaks to, and the merchant API's transport (the HTTP edge).

With `VNPAY_PAYMENT_URL` set: VNPay itself (`VNPAY_TMN_CODE`, `VNPAY_HASH_SECRET`,
`VNPAY_API_URL`). Without it and with DEBUG on: the built-in sandbox (`payments.sandbox`), which
speaks the same protocol with the same signatures; its merchant API is `VNPAY_API_URL` if set
(the sandbox's endpoint on a running server, as the tests do), else answered in-process.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

logger = logging.getLogger(__name__)

# The sandbox's merchant code and secret when none is configured: it is no gateway, only DEBUG.
SANDBOX_TMN_CODE = "PORTALSB"
SANDBOX_SECRET = "sandbox-only-not-a-secret"  # noqa: S105 (DEBUG's sandbox only)


class GatewayError(Exception):
    """The merchant API could not be asked, or its answer cannot be trusted."""


@dataclass(frozen=True)
class Gateway:
    tmn_code: str
    secret: str
    payment_url: str
    api_url: str
    sandbox: bool


def sandbox_active() -> bool:
    """Whether the built-in sandbox stands in for VNPay: DEBUG on and no real gateway."""
    return bool(settings.DEBUG) and not settings.VNPAY_PAYMENT_URL


def gateway() -> Gateway:
    """Return the gateway configured now (read per call: nothing reads settings at import)."""
    if sandbox_active():
        return Gateway(
            tmn_code=settings.VNPAY_TMN_CODE or SANDBOX_TMN_CODE,
            secret=settings.VNPAY_HASH_SECRET or SANDBOX_SECRET,
            payment_url=reverse("payments:sandbox"),
            api_url=settings.VNPAY_API_URL,
            sandbox=True,
        )
    return Gateway(
        tmn_code=settings.VNPAY_TMN_CODE,
        secret=settings.VNPAY_HASH_SECRET,
        payment_url=settings.VNPAY_PAYMENT_URL,
        api_url=settings.VNPAY_API_URL,
        sandbox=False,
    )


def api_available() -> bool:
    current = gateway()
    return bool(current.api_url or current.sandbox)


def api_call(body: dict[str, str]) -> dict:
    """POST `body` to the merchant API and return its JSON answer (not yet verified)."""
    current = gateway()
    if not current.api_url:
        if current.sandbox:
            from payments import sandbox

            return sandbox.api_answer(body)
        raise GatewayError("VNPAY_API_URL is not set")
    if not current.api_url.startswith(("https://", "http://")):
        raise GatewayError("VNPAY_API_URL is not an HTTP(S) URL")
    request = urllib.request.Request(  # noqa: S310 (http or https, checked above)
        current.api_url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.VNPAY_API_TIMEOUT
        ) as response:
            return json.loads(response.read(1_000_000))
    except (OSError, ValueError) as error:  # URLError, timeouts, a body that is not JSON
        logger.warning("VNPay API %s: %s", current.api_url, error)
        raise GatewayError(str(error)) from error
