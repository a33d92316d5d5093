"""Site-wide pages: health check and error pages."""

from captcha import views as captcha_views
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracking import throttle


@require_GET
@never_cache
def healthz(request):
    """Answer that the process is up. Also the bare-view baseline of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


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
    # No context processors that could fail again: a static template.
    return render(request, "500.html", status=500)


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
