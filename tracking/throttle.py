"""Rate limits and the captcha threshold of the lookup, counted in shared storage by the `limits`
library: Redis in production (each count is one round trip, a Lua INCR with its expiry), the
database without it (core.ratelimits), so that every worker process counts alike.

The second factor is refused to an address that tries too often, on any dossier or on one; it is
never refused to the owner because of someone else's misses: misses on a code from anywhere only
make its form ask a captcha.

The lookup by code is counted apart, in the same round trip as its cached page is read
(core.cache.count_and_get): it must be counted before the cache answers, or a cached page would
tell an address over its limit that a code exists, and a second round trip would cost as much as
Django's whole answer to a bare request (docs/benchmarks.md, Lookup)."""

from functools import cache, lru_cache

from django.conf import settings
from django.core.cache import caches
from limits import RateLimitItem, RateLimitItemPerHour, parse
from limits.storage import storage_from_string

from core import ratelimits  # also registers the "django-db" storage for limits
from core.cache import TIMEOUTS, RedisCache
from core.clientip import client_ip


@cache
def limiter() -> ratelimits.FailOpenRateLimiter:
    """One per process, made on first use (after gunicorn's fork). Best-effort: with Redis
    down, every limit lets the visitor through (core.ratelimits.FailOpenRateLimiter), as the
    lookup's own count does (core.cache.count_and_get)."""
    uri = settings.RATELIMIT_STORAGE_URI
    options = TIMEOUTS if uri.startswith(("redis://", "rediss://")) else {}
    storage = storage_from_string(uri, key_prefix=settings.RATELIMIT_KEY_PREFIX, **options)
    return ratelimits.FailOpenRateLimiter(storage, name=uri)


@lru_cache(maxsize=32)
def rate(text: str) -> RateLimitItem:
    """A rate in the settings' syntax ("60/minute", "10 per hour")."""
    return parse(text)


def lookup_counted(request, page_key: str):
    """Count a lookup from this address and read the page kept under `page_key` (in one round
    trip with Redis). Return (whether the address is over its limit, the page or None)."""
    item = rate(settings.LOOKUP_RATE_PER_IP)
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        counter = f"limits:{item.key_for('lookup-ip', client_ip(request))}"
        count, page = cache.count_and_get(counter, item.get_expiry(), page_key)
        return count > item.amount, page
    allowed = limiter().hit(item, "lookup-ip", client_ip(request))
    return not allowed, cache.get(page_key)


def _code(code: str) -> str:
    return code.strip().upper()


def verification_limited(request, code: str) -> bool:
    """Too many second-factor attempts from this address: on any dossier, or on this one."""
    address = client_ip(request)
    by_ip = limiter().hit(rate(settings.VERIFY_RATE_PER_IP), "verify-ip", address)
    by_code = limiter().hit(
        rate(settings.VERIFY_RATE_PER_CODE), "verify-code-ip", _code(code), address
    )
    return not (by_ip and by_code)


def captcha_refresh_limited(request) -> bool:
    """Too many new captcha images asked from this address (each one writes a row)."""
    return not limiter().hit(
        rate(settings.CAPTCHA_REFRESH_RATE), "captcha-refresh", client_ip(request)
    )


def _misses() -> RateLimitItem:
    return RateLimitItemPerHour(settings.LOOKUP_CAPTCHA_AFTER)


def _code_misses() -> RateLimitItem:
    return RateLimitItemPerHour(settings.VERIFY_CAPTCHA_AFTER_PER_CODE)


def needs_captcha(request, code: str = "") -> bool:
    """This address missed the second factor LOOKUP_CAPTCHA_AFTER times within the hour, or this
    dossier's was missed VERIFY_CAPTCHA_AFTER_PER_CODE times from anywhere."""
    if not limiter().test(_misses(), "verify-miss", client_ip(request)):
        return True
    return bool(code) and not limiter().test(_code_misses(), "verify-code-miss", _code(code))


def record_miss(request, code: str = "") -> None:
    limiter().hit(_misses(), "verify-miss", client_ip(request))
    if code:
        limiter().hit(_code_misses(), "verify-code-miss", _code(code))


def clear_misses(request) -> None:
    """The owner got in: their address's misses are forgotten (a code's stay until they expire,
    so that a stranger guessing it keeps meeting the captcha)."""
    limiter().clear(_misses(), "verify-miss", client_ip(request))


def reset() -> None:
    """Forget every count (tests; in the database, the test's rollback forgets them)."""
    if not isinstance(limiter().storage, ratelimits.DatabaseStorage):
        limiter().storage.reset()
