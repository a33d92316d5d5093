"""A storage for the `limits` library in the database ("django-db://"), for the embedded
defaults and any deployment without Redis: counts are shared by every worker process, which
limits' memory storage is not (two workers would allow twice the rate).

Each count is one UPDATE … RETURNING, or an INSERT for a new window; an ended window starts again.
Expired rows are deleted by `rate_counts_purge` (celery beat).

`FailOpenRateLimiter` is the limiter of every rate-limited page: with its storage in Redis and
Redis down, a limit lets the visitor through rather than fail the page (core.outages)."""

import datetime
from functools import partial

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from limits import RateLimitItem
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from core.models import RateCount
from core.outages import Outage, outage


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["django-db"]

    def __init__(self, uri: str | None = None, **options):
        super().__init__(uri, **options)

    @property
    def base_exceptions(self):
        return DatabaseError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count `amount` in the key's window: one UPDATE … RETURNING while the window lasts
        (PostgreSQL, SQLite 3.35+), a restart or an INSERT when it has ended or never began."""
        now = timezone.now()
        table = RateCount._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET count = count + %s WHERE key = %s AND expires_at > %s "  # noqa: S608 (the model's table)
                "RETURNING count",
                [amount, key, now],
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        expires_at = now + datetime.timedelta(seconds=expiry)
        restarted = RateCount.objects.filter(key=key, expires_at__lte=now).update(
            count=amount, expires_at=expires_at
        )
        if not restarted:
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, count=amount, expires_at=expires_at)
            except IntegrityError:  # another process began the window meanwhile: count in it
                return self.incr(key, expiry, amount)
        return amount

    def get(self, key: str) -> int:
        row = RateCount.objects.filter(key=key, expires_at__gt=timezone.now()).first()
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = RateCount.objects.filter(key=key).first()
        return row.expires_at.timestamp() if row else timezone.now().timestamp()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        return RateCount.objects.all().delete()[0]

    def clear(self, key: str) -> None:
        RateCount.objects.filter(key=key).delete()


def rate_counts_purge() -> int:
    """Delete the counters whose window has ended."""
    return RateCount.objects.filter(expires_at__lte=timezone.now()).delete()[0]


class FailOpenRateLimiter(FixedWindowRateLimiter):
    """limits' fixed window, best-effort: while its storage (Redis) cannot be reached, a hit is
    allowed and not counted, a test passes, a clear is dropped; one warning per interval
    (core.outages). Rate limits slow down guessing; a Redis outage must not shut every citizen
    out of the lookup meanwhile. A database storage is not concerned: without the database no
    page answers anyway."""

    def __init__(self, storage: Storage, *, name: str):
        super().__init__(storage)
        self.outage: Outage = outage(name)

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        hit = partial(super().hit, item, *identifiers, cost=cost)
        return self.outage.attempt(hit, lambda: True)

    def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        test = partial(super().test, item, *identifiers, cost=cost)
        return self.outage.attempt(test, lambda: True)

    def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        self.outage.attempt(partial(super().clear, item, *identifiers), lambda: None)
