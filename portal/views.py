"""Site-wide pages: health checks and error pages."""

import sys

from captcha import views as captcha_views
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.outages import FAULTS
from tracking import throttle


@require_GET
@never_cache
def healthz(request):
    """Answer that the process is up. Also the bare-view baseline of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request):
    """Answer whether this process can serve: the database answers, and Redis (the broker and
    the cache) when REDIS_URL is set; 503 naming what is down. For load balancers and
    docker-compose's healthcheck. Redis is tried directly, not through the cache, which would
    hide an outage (core.cache is best-effort)."""
    checks = {"database": _database_ready()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ready(settings.REDIS_URL)
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            **{name: "ok" if up else "down" for name, up in checks.items()},
        },
        status=200 if ready else 503,
    )


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _redis_ready(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except (*FAULTS, redis.exceptions.RedisError):
        return False
    finally:
        client.close()


@require_GET
@never_cache
def captcha_refresh(request):
    """django-simple-captcha's "new image", limited per address (CAPTCHA_REFRESH_RATE): each
    call writes a row."""
    if throttle.captcha_refresh_limited(request):
        return JsonResponse(
            {"error": _("Bạn đã đổi mã xác nhận quá nhiều lần. Vui lòng thử lại sau ít phút.")},
            status=429,
        )
    return captcha_views.captcha_refresh(request)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page; the 503 page when the database cannot be reached (issue 17).

    Django calls this while handling the exception, wherever it was raised (a view, the session
    saved by its middleware), so `sys.exc_info()` tells a database outage from a bug. Neither
    page touches the database: rendered without the request, no context processor runs.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return HttpResponse(render_to_string("500.html"), status=500)


def database_unavailable(request) -> HttpResponse:
    """Tell the citizen plainly that nothing of theirs was lost (drafts, dossiers: all in the
    database, and written in transactions) and to try again in a minute, from where they were."""
    retry_url = request.get_full_path() if request.method == "GET" else request.path
    response = HttpResponse(render_to_string("503.html", {"retry_url": retry_url}), status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def admin_view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" (`/quan-tri/r/<type>/<id>/`), confined to what the staff member
    may see in that model's admin: Django's own redirects any object with a page (a dossier's id
    to its code) for any staff account. An object outside the scope, or of a model the admin does
    not show, is not found (the superuser keeps Django's behaviour)."""
    if not request.user.is_superuser:
        if not content_type_id.isdigit():
            raise Http404
        content_type = ContentType.objects.filter(pk=int(content_type_id)).first()
        model = content_type.model_class() if content_type else None
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
    return shortcut(request, content_type_id, object_id)
