"""The statistics page's cache: kept no longer than the figures it shows stay current.

core.pagecache keeps a catalogue page for CATALOGUE_CACHE_SECONDS under the catalogue's
version. A statistics page is keyed by the figures' version as well (a new one each time they
are recomputed, stats.services.Freshness) and kept at most until they turn stale, when the next
request recomputes them: a status change shows within STATS_REFRESH_SECONDS, cache or not.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import get_language

from core.pagecache import cacheable, cached, catalogue_version, keep
from stats.services import LOCK_KEY, stats_refresh_if_stale
from stats.tasks import stats_refresh_stale

logger = logging.getLogger(__name__)


def _queue(months: list[str]) -> None:
    """Hand the recompute to a worker (in process on the embedded defaults); with the broker
    down, the figures in force stay on the page and the next visit tries again."""
    try:
        stats_refresh_stale.delay(months)
    except Exception:  # noqa: BLE001 (any broker failure)
        logger.warning("statistics refresh not queued", exc_info=True)
        caches["default"].delete(LOCK_KEY)


def statistics_page(view):
    """Refresh stale figures, then serve the view's response from the cache when it may be."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        freshness = stats_refresh_if_stale(recompute=_queue)
        if freshness is None or not settings.CATALOGUE_CACHE_SECONDS or not cacheable(request):
            return view(request, *args, **kwargs)
        digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
        key = f"page:stats:{catalogue_version()}:{freshness.version}:{get_language()}:{digest}"
        response = cached(key)
        if response is None:
            response = view(request, *args, **kwargs)
            seconds = min(settings.CATALOGUE_CACHE_SECONDS, freshness.seconds_left(timezone.now()))
            keep(key, response, seconds=seconds)  # not kept at all with under a second left
        return response

    return wrapped
