"""Site-wide pages: health check and error pages."""

from captcha import views as captcha_views
from django.http import HttpResponse, JsonResponse
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
