"""Browser sessions kept in the database, read from a copy in the cache's Redis (SESSION_ENGINE
when REDIS_URL is set; Django's database sessions otherwise).

A citizen's session holds the drafts they started and the dossiers they submitted
(dossiers.access); every wizard page and every download of their papers reads it, and reading it
from Redis spares the database a query per request (docs/benchmarks.md, issue 17). The database
stays the only record: every save writes it first, and no copy in Redis may ever hide what it
holds. Django's `cached_db` falls short of that with a best-effort cache (core.cache): a session
saved while Redis is unreachable, but still holding the old copy, reaches only the database, and
once Redis answers again it serves that old copy (a draft started meanwhile is gone from the
citizen's view until the copy expires). Here:

- a save whose copy Redis does not take moves the session to a new key, of which Redis holds no
  copy: the browser gets the new key, the old row is deleted, and the old copy, if still in Redis,
  belongs to a key nobody presents, until it expires;
- a copy lives CACHE_SECONDS at most, and a read that fills it from the database only adds it
  (`cache.add`), never overwriting a newer copy a save has just written;
- a signed-in session (an officer's) is never copied: a sign-out deletes the row, and no copy in
  an unreachable Redis can bring the login back afterwards.
"""

import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger(__name__)

# Seconds a copy stays in Redis: a citizen's visit, after which the next request reads the
# database again (and copies it again). Also bounds how long two concurrent saves of one session
# can leave Redis and the database disagreeing.
CACHE_SECONDS = 300


class SessionStore(cached_db.SessionStore):
    cache_key_prefix = "portal.session:"

    def load(self):
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        if SESSION_KEY not in data:
            self._cache.add(self.cache_key, data, self._cache_seconds(row.expire_date))
        return data

    def save(self, must_create=False):
        # A session with no key yet is created with a fresh one (DatabaseStore.save calls
        # create(), which comes back here with must_create): Redis has no copy of a fresh key.
        fresh = must_create or self.session_key is None
        DatabaseStore.save(self, must_create)
        if fresh:
            self._copy()
        elif not self._copy():
            self.cycle_key()

    def _copy(self) -> bool:
        """Put the session's copy in Redis (a signed-in one: remove it); return whether Redis
        took it."""
        if SESSION_KEY in self._session:
            self._cache.delete(self.cache_key)
            return True
        try:
            failed = self._cache.set_many(
                {self.cache_key: self._session}, self._cache_seconds(self.get_expiry_date())
            )
        except Exception:  # a Redis that refuses writes (a full memory): as if unreachable
            logger.exception("Could not copy session to the cache")
            return False
        return not failed

    def _cache_seconds(self, expiry) -> int:
        return min(CACHE_SECONDS, self.get_expiry_age(expiry=expiry))
