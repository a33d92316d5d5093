"""Rate limits and the captcha threshold of the lookup, counted in shared storage by the `limits`
library: Redis in production (each count is one round trip, a Lua INCR with its expiry), the
process's memory on the embedded defaults.

The lookup by code is counted apart, in the same round trip as its cached page is read
(core.cache.count_and_get): it must be counted before the cache answers, or a cached page would
tell an address over its limit that a code exists, and a second round trip would cost as much as
Django's whole answer to a bare request (docs/benchmarks.md, Lookup)."""

from functools import cache, lru_cache

from django.conf import settings
from django.core.cache import caches
from limits import RateLimitItem, RateLimitItemPerHour, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from core.cache import count_and_get


@cache
def limiter() -> FixedWindowRateLimiter:
    """One per process, made on first use (after gunicorn's fork)."""
    return FixedWindowRateLimiter(
        storage_from_string(
            settings.RATELIMIT_STORAGE_URI, key_prefix=settings.RATELIMIT_KEY_PREFIX
        )
    )


@lru_cache(maxsize=32)
def rate(text: str) -> RateLimitItem:
    """A rate in the settings' syntax ("60/minute", "10 per hour")."""
    return parse(text)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def lookup_counted(request, page_key: str):
    """Count a lookup from this address and read the page kept under `page_key`, in one round
    trip. Return (whether the address is over its limit, the page or None)."""
    item = rate(settings.LOOKUP_RATE_PER_IP)
    counter = f"limits:{item.key_for('lookup-ip', client_ip(request))}"
    count, page = count_and_get(caches["default"], counter, item.get_expiry(), page_key)
    return count > item.amount, page


def verification_limited(request, code: str) -> bool:
    """Too many second-factor attempts from this address, or on this dossier from anywhere."""
    by_ip = limiter().hit(rate(settings.VERIFY_RATE_PER_IP), "verify-ip", client_ip(request))
    by_code = limiter().hit(
        rate(settings.VERIFY_RATE_PER_CODE), "verify-code", code.strip().upper()
    )
    return not (by_ip and by_code)


def captcha_refresh_limited(request) -> bool:
    """Too many new captcha images asked from this address (each one writes a row)."""
    return not limiter().hit(
        rate(settings.CAPTCHA_REFRESH_RATE), "captcha-refresh", client_ip(request)
    )


def _misses() -> RateLimitItem:
    return RateLimitItemPerHour(settings.LOOKUP_CAPTCHA_AFTER)


def needs_captcha(request) -> bool:
    """This address missed the second factor LOOKUP_CAPTCHA_AFTER times within the hour."""
    return not limiter().test(_misses(), "verify-miss", client_ip(request))


def record_miss(request) -> None:
    limiter().hit(_misses(), "verify-miss", client_ip(request))


def clear_misses(request) -> None:
    limiter().clear(_misses(), "verify-miss", client_ip(request))


def reset() -> None:
    """Forget every count (tests)."""
    limiter().storage.reset()
