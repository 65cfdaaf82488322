from django.urls import path

from atiende.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("organizaciones/<int:organisation_id>/", views.organisation_detail, name="organisation"),
]
