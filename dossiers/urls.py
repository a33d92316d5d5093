from django.urls import path

import core.converters  # noqa: F401 (registers <procedure:…> and <dossier:…>)
from dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("thu-tuc/<procedure:code>/nop-ho-so/", views.start, name="start"),
    path("nop-ho-so/<uuid:token>/<slug:step>/", views.step, name="step"),
    path("nop-ho-so/<uuid:token>/tep/<int:file_id>/", views.draft_file, name="draft_file"),
    path("nop-ho-so/<uuid:token>/tep/<int:file_id>/xoa/", views.remove_file, name="remove_file"),
    path("ho-so/<dossier:code>/da-nop/", views.success, name="success"),
    path("ho-so/<dossier:code>/xac-nhan-nop-ho-so.pdf", views.confirmation, name="confirmation"),
    path("ho-so/<dossier:code>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
    path("bo-sung/<uuid:token>/", views.supplement, name="supplement"),
]
