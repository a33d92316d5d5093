from django.urls import path

import core.converters  # noqa: F401 (registers <procedure:…> and <dossier:…>)
from tracking import views

app_name = "tracking"

urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/xac-thuc/", views.verify, name="verify"),
    path("tra-cuu/<dossier:code>/chi-tiet/", views.detail, name="detail"),
    path("tra-cuu/<dossier:code>/rut-ho-so/", views.withdraw, name="withdraw"),
    path("tra-cuu/<dossier:code>/tep/<int:pk>/", views.document, name="document"),
    path("tra-cuu/<dossier:code>/ket-qua/", views.result, name="result"),
    path("tra-cuu/<dossier:code>/thanh-toan/", views.pay, name="pay"),
    path("tra-cuu/<dossier:code>/bien-lai/<int:pk>/", views.fee_receipt, name="fee_receipt"),
    path("danh-gia/<str:token>/", views.rate_by_link, name="rate"),
    # The page the QR code printed on an issued result leads to.
    path("xac-thuc-ket-qua/<str:token>/", views.verify_result, name="verify_result"),
]
