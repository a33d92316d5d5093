from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [path("thong-ke/", views.statistics, name="statistics")]
