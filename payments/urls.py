from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("thanh-toan/vnpay/ipn/", views.ipn, name="ipn"),
    path("thanh-toan/vnpay/ket-qua/", views.vnpay_return, name="return"),
    path("thanh-toan/sandbox/", views.sandbox_page, name="sandbox"),
    path("thanh-toan/sandbox/api/", views.sandbox_api, name="sandbox-api"),
]
