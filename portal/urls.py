from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal import views

admin.site.site_header = _("Cổng dịch vụ công · Quản trị, xử lý hồ sơ")
admin.site.site_title = _("Quản trị cổng dịch vụ công")
admin.site.index_title = _("Bảng điều khiển")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Before captcha.urls: its "new image" view, limited per address.
    path("captcha/refresh/", views.captcha_refresh, name="captcha-refresh"),
    path("captcha/", include("captcha.urls")),
    # Before the admin's own "view on site", which knows no scope.
    path(
        "quan-tri/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.admin_view_on_site),
    ),
    path("quan-tri/", admin.site.urls),
    path("", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("", include("tracking.urls")),
    path("", include("stats.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
