"""Rate limits without Redis: counted in the database, so every worker process shares them."""

import datetime
import logging

import pytest
import time_machine
from django.utils import timezone
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from core.models import RateCount
from core.ratelimits import DatabaseStorage, rate_counts_purge

pytestmark = pytest.mark.django_db


def worker() -> FixedWindowRateLimiter:
    """A limiter as a new worker process builds one (tracking.throttle.limiter)."""
    return FixedWindowRateLimiter(storage_from_string("django-db://"))


def test_two_workers_share_one_count():
    first, second = worker(), worker()
    assert isinstance(first.storage, DatabaseStorage) and first.storage is not second.storage
    item = parse("3/hour")
    assert [first.hit(item, "verify-ip", "10.0.0.1") for _ in range(2)] == [True, True]
    assert second.hit(item, "verify-ip", "10.0.0.1")
    assert not first.hit(item, "verify-ip", "10.0.0.1")  # the fourth, whichever worker counts it
    assert not second.test(item, "verify-ip", "10.0.0.1")
    assert second.hit(item, "verify-ip", "10.0.0.2")  # another address, its own count


def test_a_window_ends_and_starts_again_and_old_rows_are_purged():
    limiter, item = worker(), parse("1/minute")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert limiter.hit(item, "lookup-ip", "10.0.0.1")
        assert not limiter.hit(item, "lookup-ip", "10.0.0.1")
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert limiter.hit(item, "lookup-ip", "10.0.0.1")
        limiter.hit(item, "lookup-ip", "10.0.0.3")
    assert RateCount.objects.count() == 2
    with time_machine.travel(start + datetime.timedelta(seconds=200), tick=False):
        assert rate_counts_purge() == 2
    limiter.storage.clear("missing")  # nothing to clear is no error


def test_the_embedded_defaults_count_in_the_database(settings):
    from tracking import throttle

    assert settings.REDIS_URL or settings.RATELIMIT_STORAGE_URI == "django-db://"
    if not settings.REDIS_URL:
        assert isinstance(throttle.limiter().storage, DatabaseStorage)


def test_with_redis_unreachable_the_limits_let_visitors_through(settings, rf, caplog):
    """tracking.throttle's limits, their counts in a Redis that is down: every check allows,
    nothing raises, one warning (core.ratelimits.FailOpenRateLimiter)."""
    from core.ratelimits import FailOpenRateLimiter
    from tests.notifications.helpers import free_port
    from tracking import throttle

    settings.RATELIMIT_STORAGE_URI = f"redis://127.0.0.1:{free_port()}/0"
    settings.VERIFY_RATE_PER_IP = "1/hour"
    settings.LOOKUP_CAPTCHA_AFTER = 1
    throttle.limiter.cache_clear()
    try:
        assert isinstance(throttle.limiter(), FailOpenRateLimiter)
        request = rf.get("/tra-cuu/xac-thuc/")
        with caplog.at_level(logging.WARNING, logger="core.outages"):
            for _ in range(3):  # over the limit of one, were anything counted
                assert not throttle.verification_limited(request, "000.01.00.H26-261201-0001")
                throttle.record_miss(request, "000.01.00.H26-261201-0001")
                assert not throttle.needs_captcha(request, "000.01.00.H26-261201-0001")
                assert not throttle.captcha_refresh_limited(request)
            throttle.clear_misses(request)
        assert [r.levelno for r in caplog.records] == [logging.WARNING]
    finally:
        throttle.limiter.cache_clear()
