from django.db import models


class RateCount(models.Model):
    """A rate limit's fixed-window counter, where no Redis is configured (core.ratelimits): in the
    database, so that every worker process shares it."""

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"
