"""Rate limits and the captcha threshold of the lookup, on the shared cache (django-ratelimit)."""

from django.conf import settings
from django.core.cache import cache
from django_ratelimit.core import is_ratelimited

MISSES_KEY = "lookup:misses:{ip}"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def lookup_limited(request) -> bool:
    """Too many lookups from this address."""
    return is_ratelimited(
        request, group="lookup", key="ip", rate=settings.LOOKUP_RATE_PER_IP, increment=True
    )


def verification_limited(request, code: str) -> bool:
    """Too many second-factor attempts from this address, or on this dossier from anywhere."""
    by_ip = is_ratelimited(
        request, group="verify-ip", key="ip", rate=settings.VERIFY_RATE_PER_IP, increment=True
    )
    by_code = is_ratelimited(
        request,
        group="verify-code",
        key=lambda group, request: code.strip().upper()[:40],
        rate=settings.VERIFY_RATE_PER_CODE,
        increment=True,
    )
    return by_ip or by_code


def needs_captcha(request) -> bool:
    return cache.get(MISSES_KEY.format(ip=client_ip(request)), 0) >= settings.LOOKUP_CAPTCHA_AFTER


def record_miss(request) -> None:
    key = MISSES_KEY.format(ip=client_ip(request))
    cache.add(key, 0, timeout=3600)
    cache.incr(key)


def clear_misses(request) -> None:
    cache.delete(MISSES_KEY.format(ip=client_ip(request)))
