"""Services the portal can do without: Redis as the cache and the rate limits' counter.

Redis here only speeds pages up and counts visitors; the database holds everything that matters.
When Redis cannot be reached, the callers (core.cache, core.ratelimits) carry on without it: a
read is a miss, a write is dropped, a rate limit lets the visitor through. An `Outage` records
that the service failed, so that

- for RETRY_SECONDS after a failure every call skips the service at once, instead of each
  waiting for its own refused or timed-out connection (a host that drops packets would cost
  every cache call its connect timeout);
- the log gets one warning per WARN_SECONDS and process, not one per call (a busy worker makes
  hundreds of cache calls a second), and one line when the service answers again.
"""

import logging
from collections.abc import Callable
from time import monotonic
from typing import TypeVar
from urllib.parse import urlsplit

import redis

logger = logging.getLogger(__name__)
T = TypeVar("T")

# What a service that is down raises: refused or reset connections, timeouts (redis-py's own
# ConnectionError and TimeoutError are not OSErrors), Redis still loading its data after a
# restart (a ConnectionError). Other errors (a wrong command, a full memory) are bugs, not
# outages, and still raise.
FAULTS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
RETRY_SECONDS = 5.0
WARN_SECONDS = 30.0


class Outage:
    """Whether the service `name` failed lately, in this process (shared by its threads)."""

    def __init__(self, name: str, *, retry_seconds: float = RETRY_SECONDS):
        self.name = name
        self.retry_seconds = retry_seconds
        self.down_until = 0.0
        self.warned_at: float | None = None

    def skipped(self) -> bool:
        """Whether to do without the service now, without trying it (it failed lately)."""
        return self.down_until > 0.0 and monotonic() < self.down_until

    def failed(self, error: BaseException) -> None:
        """Record a failure; warn unless a warning was given within WARN_SECONDS."""
        now = monotonic()
        self.down_until = now + self.retry_seconds
        if self.warned_at is None or now - self.warned_at >= WARN_SECONDS:
            self.warned_at = now
            logger.warning(
                "%s unreachable (%s: %s): the portal serves without it; retried every %s s, "
                "next warning in %s s at the earliest",
                self.name,
                type(error).__name__,
                error,
                self.retry_seconds,
                WARN_SECONDS,
            )

    def answered(self) -> None:
        """The service answered: after a failure, say so once."""
        if self.down_until:
            self.down_until = 0.0
            logger.info("%s answers again", self.name)

    def attempt(self, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        """Return `call()`; `fallback()` instead while the service is skipped, or when the call
        meets an outage (FAULTS), which is recorded: the cache and the rate limits go through it."""
        if self.skipped():
            return fallback()
        try:
            result = call()
        except FAULTS as error:
            self.failed(error)
            return fallback()
        self.answered()
        return result


_outages: dict[str, Outage] = {}


def safe_name(url: str) -> str:
    """`url` without its user and password, for the log."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


def outage(url: str) -> Outage:
    """The one `Outage` of the service at `url` in this process (named without credentials)."""
    found = _outages.get(url)
    if found is None:
        found = _outages.setdefault(url, Outage(safe_name(url)))
    return found
