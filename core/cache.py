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

And every call is best-effort: Redis is a cache here, and must not take the portal down
(issue 17). On a connection error or timeout (core.outages) a read is a miss, a write is
dropped, `incr` finds no counter (ValueError, as for a missing key) and `count_and_get` counts
nothing (count 0: the rate-limited page lets the visitor through) and reads a miss; a warning
is logged once per interval, and for a few seconds the calls skip Redis without trying it.
Short socket timeouts (OPTIONS may set others) bound what a hung Redis costs a request.
"""

from functools import wraps

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from core.outages import outage

# Seconds: Redis answers in well under a millisecond; a request had better do without it than
# wait. redis-py's own defaults let a host that drops packets hold a worker for seconds per call.
TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}

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


def _best_effort(fallback):
    """Run the cache method, or answer `fallback(*args, **kwargs)` while Redis is down."""

    def decorate(method):
        @wraps(method)
        def wrapped(self, *args, **kwargs):
            return self._outage.attempt(
                lambda: method(self, *args, **kwargs), lambda: fallback(*args, **kwargs)
            )

        return wrapped

    return decorate


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable).")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**TIMEOUTS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _Client
        self._outage = outage(",".join(self._servers))

    # Django's other methods (get_or_set, decr, the async ones, …) go through these.
    get = _best_effort(lambda key, default=None, version=None: default)(DjangoRedisCache.get)
    get_many = _best_effort(lambda *args, **kwargs: {})(DjangoRedisCache.get_many)
    has_key = _best_effort(lambda *args, **kwargs: False)(DjangoRedisCache.has_key)
    add = _best_effort(lambda *args, **kwargs: False)(DjangoRedisCache.add)
    set = _best_effort(lambda *args, **kwargs: None)(DjangoRedisCache.set)
    set_many = _best_effort(lambda data, *args, **kwargs: list(data))(DjangoRedisCache.set_many)
    touch = _best_effort(lambda *args, **kwargs: False)(DjangoRedisCache.touch)
    delete = _best_effort(lambda *args, **kwargs: False)(DjangoRedisCache.delete)
    delete_many = _best_effort(lambda *args, **kwargs: None)(DjangoRedisCache.delete_many)
    clear = _best_effort(lambda *args, **kwargs: False)(DjangoRedisCache.clear)
    incr = _best_effort(_missing)(DjangoRedisCache.incr)

    @_best_effort(lambda *args, **kwargs: (0, None))
    def count_and_get(self, counter, window, key, version=None):
        """Count one hit on `counter` (a window of `window` seconds from its first hit) and read
        `key`, in one round trip. Return (the count, the value or None); (0, None) while Redis
        is down: nothing counted, nothing read."""
        return self._cache.count_and_get(
            self.make_and_validate_key(counter, version=version),
            window,
            self.make_and_validate_key(key, version=version),
        )
