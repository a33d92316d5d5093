"""Failed-login lockout (django-axes), with a higher limit for a username from any address."""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits.

    AXES_LOCKOUT_PARAMETERS lists the username with the address first, then the username alone;
    axes compares one count with one limit (AXES_FAILURE_LIMIT). The username's count is shifted
    down by the difference of the limits, so that it reaches AXES_FAILURE_LIMIT exactly when the
    username alone reaches LOGIN_FAILURE_LIMIT_PER_USERNAME: guessing from one address locks that
    address out of the account soon, while a stranger needs many more failures, spread over
    addresses, to lock the officer out everywhere.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_address, by_username = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        shift = max(settings.LOGIN_FAILURE_LIMIT_PER_USERNAME - settings.AXES_FAILURE_LIMIT, 0)
        return max(by_address, by_username - shift)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page in Vietnamese (AXES_LOCKOUT_CALLABLE), with 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "officers/lockout.html", {"minutes": minutes}, status=429)


def lockout_clear(*, username: str) -> int:
    """Forget the failed logins of `username` from every address (an administrator's unlock);
    return how many records went."""
    return reset(username=username)


def with_failed_logins(users: QuerySet) -> QuerySet:
    """Annotate each user with `failed_logins`: the failures counted against the username now
    (within the cool-off), from every address."""
    attempts = (
        AccessAttempt.objects.filter(
            username=OuterRef("username"),
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return users.annotate(failed_logins=Coalesce(Subquery(attempts), 0))
