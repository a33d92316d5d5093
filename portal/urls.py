from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("captcha/", include("captcha.urls")),
    path("quan-tri/", admin.site.urls),
    path("", include("procedures.urls")),
    path("", include("dossiers.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
