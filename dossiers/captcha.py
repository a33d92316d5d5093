"""django-simple-captcha's challenge, spent in one statement: the one place that writes to the
library's table directly (its model's own names, read from the model, not restated)."""

from captcha.models import CaptchaStore
from django.db import connection
from django.utils import timezone


def captcha_spend(hashkey: str) -> str | None:
    """Delete the unexpired challenge `hashkey` and return its answer; None if there is none.

    One DELETE … RETURNING, where the ORM would read, then delete in a transaction of its own
    (docs/benchmarks.md, intake). A challenge can be attempted once, right or wrong.
    """
    meta, quote = CaptchaStore._meta, connection.ops.quote_name
    column = {name: quote(meta.get_field(name).column) for name in ("hashkey", "expiration")}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(meta.db_table)} "  # noqa: S608 (names from the model)
            f"WHERE {column['hashkey']} = %s AND {column['expiration']} > %s "
            f"RETURNING {quote(meta.get_field('response').column)}",
            [hashkey, now],
        )
        row = cursor.fetchone()
    return row[0] if row else None
