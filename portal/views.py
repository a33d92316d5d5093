"""Site-wide pages: health check and error pages."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """Answer that the process is up. Also the bare-view baseline of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could fail again: a static template.
    return render(request, "500.html", status=500)
