"""core.cache: Django's Redis cache with one client per pool and one-round-trip counters."""

import inspect
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
