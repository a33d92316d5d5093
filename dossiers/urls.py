from django.urls import path

from dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("thu-tuc/<str:code>/nop-ho-so/", views.start, name="start"),
    path("nop-ho-so/<uuid:token>/<slug:step>/", views.step, name="step"),
    path("nop-ho-so/<uuid:token>/tep/<int:file_id>/", views.draft_file, name="draft_file"),
    path("nop-ho-so/<uuid:token>/tep/<int:file_id>/xoa/", views.remove_file, name="remove_file"),
    path("ho-so/<str:code>/da-nop/", views.success, name="success"),
    path("ho-so/<str:code>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
    path("bo-sung/<uuid:token>/", views.supplement, name="supplement"),
]
