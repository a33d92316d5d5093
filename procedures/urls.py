from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", views.detail, name="detail"),
    path("thu-tuc/<str:code>/to-khai.pdf", views.blank_form, name="blank_form"),
    path(
        "thu-tuc/<str:code>/bieu-mau/<int:pk>/", views.document_template, name="document_template"
    ),
]
