"""core.cache: Django's Redis cache with one client per pool and one-round-trip counters."""

import inspect
import logging
import shutil
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from core.cache import RedisCache, _Client


def test_the_private_parts_of_djangos_redis_cache_it_relies_on_are_still_there():
    """core.cache subclasses private parts of Django's Redis backend (5.2). If an upgrade renames
    or reshapes one of them, this fails here, loudly, instead of the cache failing in production.
    """
    # RedisCache builds its client from `_class` in `_cache`; the subclass swaps the class.
    assert "self._class = RedisCacheClient" in inspect.getsource(DjangoRedisCache.__init__)
    assert "self._class(" in inspect.getsource(DjangoRedisCache._cache.func)
    assert callable(DjangoRedisCache.make_and_validate_key)
    # The client: `_get_connection_pool(write)`, `_client` (the redis-py class), `_serializer`.
    assert list(inspect.signature(RedisCacheClient._get_connection_pool).parameters) == [
        "self",
        "write",
    ]
    assert list(inspect.signature(RedisCacheClient.get_client).parameters) == [
        "self",
        "key",
        "write",
    ]
    # Built without a server: nothing connects until a command is sent.
    client = RedisCache("redis://127.0.0.1:1/0", {})._cache
    assert isinstance(client, _Client) and client._client is redis.Redis
    assert isinstance(client._get_connection_pool(False), redis.ConnectionPool)
    assert client.get_client() is client.get_client("key", write=True)
    assert client._serializer.loads(client._serializer.dumps({"a": 1})) == {"a": 1}


@pytest.mark.redis
def test_the_redis_cache_keeps_one_client_per_pool():
    from django.core.cache import caches

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client()
    assert cache._cache.get_client("any-key", write=True) is client  # one server: one pool
    cache.set_many({"ci-a": 1, "ci-b": "hai"}, 10)
    assert cache.get_many(["ci-a", "ci-b"]) == {"ci-a": 1, "ci-b": "hai"}
    assert cache.incr("ci-a") == 2
    assert cache.incr("ci-a", 3) == 5
    with pytest.raises(ValueError):
        cache.incr("ci-missing")  # as Django's: no counter is created without its expiry
    assert cache.get("ci-missing") is None


@pytest.mark.redis
def test_count_and_get_counts_in_a_window_and_reads_a_key():
    """One round trip: the lookup's count and its cached page (tracking.throttle)."""
    from django.core.cache import caches

    cache = caches["default"]
    cache.set("ci-page", {"html": "trang"}, 10)
    assert cache.count_and_get("ci-count", 60, "ci-page") == (1, {"html": "trang"})
    assert cache.count_and_get("ci-count", 60, "ci-none") == (2, None)
    # The window runs from the first hit: a counter of one second starts again after it.
    assert cache.count_and_get("ci-short", 1, "ci-page")[0] == 1
    assert cache.count_and_get("ci-short", 1, "ci-page")[0] == 2
    time.sleep(1.1)
    assert cache.count_and_get("ci-short", 1, "ci-page")[0] == 1


def closed_url() -> str:
    """A Redis URL nothing listens on (a fresh port: its outage is this test's alone)."""
    from tests.notifications.helpers import free_port

    return f"redis://:secret@127.0.0.1:{free_port()}/0"


def test_with_redis_unreachable_every_call_degrades_and_warns_once(caplog):
    cache = RedisCache(closed_url(), {})
    with caplog.at_level(logging.INFO, logger="core.outages"):
        assert cache.get("k") is None
        assert cache.get("k", "mặc định") == "mặc định"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        # get_or_set computes the value, keeps nothing and returns it.
        assert cache.get_or_set("k", lambda: 42, 10) == 42
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is False  # nothing was added: a lock is not taken
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
        assert cache.delete("k") is False
        assert cache.delete_many(["a"]) is None
        assert cache.touch("k") is False
        with pytest.raises(ValueError):  # a counter that cannot be found, as a missing key
            cache.incr("k")
        # The lookup's count: nothing counted (the visitor is let through), no page.
        assert cache.count_and_get("counter", 60, "page") == (0, None)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert "secret" not in warnings[0].getMessage()  # the password is not logged


def test_after_a_failure_redis_is_skipped_for_a_while_and_the_warning_repeats_later(
    monkeypatch, caplog
):
    from core import outages

    clock = [1000.0]
    monkeypatch.setattr(outages, "monotonic", lambda: clock[0])
    cache = RedisCache(closed_url(), {})
    tried = []
    client = cache._cache
    real = client.get
    monkeypatch.setattr(client, "get", lambda *args: tried.append(1) or real(*args))
    with caplog.at_level(logging.WARNING, logger="core.outages"):
        cache.get("k")
        cache.get("k")  # within RETRY_SECONDS: not tried
        assert len(tried) == 1
        clock[0] += outages.RETRY_SECONDS + 0.1
        cache.get("k")  # tried again, failed again: no second warning yet
        assert len(tried) == 2
        assert len(caplog.records) == 1
        clock[0] += outages.WARN_SECONDS
        cache.get("k")
        assert len(tried) == 3 and len(caplog.records) == 2


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_a_redis_that_stops_and_returns_is_used_again(tmp_path):
    from tests.notifications.helpers import RedisServer

    with RedisServer(log_path=tmp_path / "redis.log") as server:
        cache = RedisCache(server.url, {})
        cache._outage.retry_seconds = 0.0  # try it again at once
        cache.set("k", "một", 60)
        assert cache.get("k") == "một"
        server.stop()
        assert cache.get("k") is None
        assert cache.set("k", "hai", 60) is None  # dropped
        assert cache.count_and_get("counter", 60, "k") == (0, None)
        server.start()  # an empty Redis (no persistence), as after a restart
        assert cache.set("k", "ba", 60) is None
        assert cache.get("k") == "ba"
        assert cache.count_and_get("counter", 60, "k") == (1, "ba")
