"""Whole-page caching for public pages that every visitor sees alike: the catalogue, and a
dossier's progress on the lookup.

Pages are kept in two levels: each worker's memory (no network) and the shared cache (Redis when
configured). Catalogue keys carry a catalogue version; editing the catalogue bumps it, so a change
shows at once on the next request to the shared cache and within VERSION_SECONDS in every worker.
A page without a version of its own (a dossier's progress) is kept in the shared cache only and
forgotten there when it changes: a worker's copy could not be, and few visitors ask for the same
dossier within seconds on the same worker. The lookup reads it in the same round trip as it counts
the visitor's address (tracking/throttle.py).
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "catalogue:version"
VERSION_SECONDS = 5
LOCAL_SECONDS = 5
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


def cacheable(request) -> bool:
    # A visitor with a session or a pending message may see something of their own.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached(key: str) -> HttpResponse | None:
    """The response kept under `key`, from this worker's memory or else the shared cache."""
    response = caches["local"].get(key)
    if response is None:
        response = caches["default"].get(key)
        if response is not None:
            caches["local"].set(key, response, LOCAL_SECONDS)
    return response


def keep(key: str, response: HttpResponse, *, seconds: int, local: bool = True) -> HttpResponse:
    """Keep a 200 without cookies under `key`: `seconds` in the shared cache and, unless `local`
    is False, at most LOCAL_SECONDS in this worker's memory. Return the response."""
    if response.status_code == 200 and not response.cookies and seconds > 0:
        caches["default"].set(key, response, seconds)
        if local:
            caches["local"].set(key, response, min(seconds, LOCAL_SECONDS))
    return response


def forget(*keys: str) -> None:
    """Drop `keys` from the shared cache (pages kept only there: see `local`)."""
    caches["default"].delete_many(keys)


def cached_page(view):
    """Serve the view's response from the cache for visitors without a session."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.CATALOGUE_CACHE_SECONDS
        if not seconds or not cacheable(request):
            return view(request, *args, **kwargs)
        digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
        key = f"page:{catalogue_version()}:{get_language()}:{digest}"
        response = cached(key)
        if response is None:
            response = keep(key, view(request, *args, **kwargs), seconds=seconds)
        return response

    return wrapped
