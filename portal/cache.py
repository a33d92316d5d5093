"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django builds a new `redis.Redis` for every cache call (RedisCacheClient.get_client); with
redis-py 8 that constructor costs about 0.3 ms of CPU, more than the round trip to Redis, and a
rate-limited lookup makes three calls (docs/benchmarks.md, Lookup). A client is only a handle on
its pool, safe to share between threads, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
