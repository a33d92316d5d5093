from django.contrib import admin
from django.urls import include, path

from portal import views

# admin.site is officers.admin_site.PortalAdminSite (officers.apps.PortalAdminConfig): the
# officers' login with two-factor and its enrolment page, /quan-tri/xac-thuc-hai-lop/.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("captcha/", include("captcha.urls")),
    path("quan-tri/", admin.site.urls),
    path("", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("", include("tracking.urls")),
    path("", include("stats.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
