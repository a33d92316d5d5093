from django.contrib import admin
from django.urls import include, path

from portal import views

# admin.site is officers.admin_site.PortalAdminSite (officers.apps.PortalAdminConfig): the
# officers' login with two-factor and its enrolment page, /quan-tri/xac-thuc-hai-lop/.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),  # liveness: no I/O
    path("readyz", views.readyz, name="readyz"),  # readiness: the database, Redis
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
    path("", include("payments.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
