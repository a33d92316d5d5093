"""Whole-page caching for the public catalogue, which every visitor sees alike.

Pages are kept in two levels: each worker's memory (no network) and the shared cache (Redis when
configured). Keys carry a catalogue version; editing the catalogue bumps it, so a change shows at
once on the next request to the shared cache and within VERSION_SECONDS in every worker.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

VERSION_KEY = "catalogue:version"
VERSION_SECONDS = 5
_local_version: tuple[float, int] = (0.0, 0)


def catalogue_version() -> int:
    global _local_version
    checked_at, version = _local_version
    if time.monotonic() - checked_at > VERSION_SECONDS:
        version = caches["default"].get_or_set(VERSION_KEY, 1, timeout=None)
        _local_version = (time.monotonic(), version)
    return version


def catalogue_changed(**kwargs) -> None:
    """Invalidate every cached catalogue page (a signal receiver, or called after bulk loads)."""
    global _local_version
    cache = caches["default"]
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
    _local_version = (0.0, 0)


def _cacheable(request) -> bool:
    # A visitor with a session or a pending message may see something of their own.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_page(view):
    """Serve the view's response from the cache for visitors without a session."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.CATALOGUE_CACHE_SECONDS
        if not seconds or not _cacheable(request):
            return view(request, *args, **kwargs)
        digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
        key = f"page:{catalogue_version()}:{get_language()}:{digest}"
        local, shared = caches["local"], caches["default"]
        response = local.get(key)
        if response is None:
            response = shared.get(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.cookies:
                    return response
                shared.set(key, response, seconds)
            local.set(key, response, seconds)
        return response

    return wrapped
