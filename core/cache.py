"""Django's Redis cache backend, with two savings on the path of every rate-limited request
(docs/benchmarks.md, Lookup):

- one redis-py client per connection pool: Django builds a new `redis.Redis` for every cache call
  (RedisCacheClient.get_client), and with redis-py 8 that constructor costs more CPU than the
  round trip to Redis (figures in docs/benchmarks.md). A client is only a handle on its pool, safe
  to share;
- `incr` in one round trip instead of two (EXISTS, then INCRBY), by a Lua script that increments
  only an existing key, so that a counter never outlives its expiry;
- `count_and_get`: count a hit in a fixed window and read another key in the same round trip, for
  a rate-limited page read from the cache (the lookup: tracking/throttle.py).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

INCR_EXISTING = """
if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end
return false
"""


COUNT_AND_GET = """
local count = redis.call('incr', KEYS[1])
if count == 1 then redis.call('expire', KEYS[1], ARGV[1]) end
return {count, redis.call('get', KEYS[2])}
"""


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _script(self, client, source):
        script = self._scripts.get((id(client), source))
        if script is None:
            script = self._scripts[id(client), source] = client.register_script(source)
        return script

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        value = self._script(client, INCR_EXISTING)(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def count_and_get(self, counter, window, key):
        client = self.get_client(counter, write=True)
        count, value = self._script(client, COUNT_AND_GET)(keys=[counter, key], args=[window])
        return count, None if value is None else self._serializer.loads(value)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def count_and_get(self, counter, window, key, version=None):
        """Count one hit on `counter` (a window of `window` seconds from its first hit) and read
        `key`, in one round trip. Return (the count, the value or None)."""
        return self._cache.count_and_get(
            self.make_and_validate_key(counter, version=version),
            window,
            self.make_and_validate_key(key, version=version),
        )
