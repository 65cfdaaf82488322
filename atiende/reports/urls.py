from django.urls import path

from atiende.reports import views

app_name = "reports"

urlpatterns = [path("", views.index, name="index")]
