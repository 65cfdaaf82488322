from django.urls import path

from atiende.clientarea import views

app_name = "clientarea"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("servicios/<int:service_id>/", views.service_detail, name="service"),
    path("organizaciones/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path("organizaciones/<int:organisation_id>/invitar/", views.invite, name="invite"),
]
