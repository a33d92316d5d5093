from django.urls import path

import core.converters  # noqa: F401 (registers <procedure:…> and <dossier:…>)
from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<procedure:code>/", views.detail, name="detail"),
    path("thu-tuc/<procedure:code>/to-khai.pdf", views.blank_form, name="blank_form"),
    path(
        "thu-tuc/<procedure:code>/bieu-mau/<int:pk>/",
        views.document_template,
        name="document_template",
    ),
]
