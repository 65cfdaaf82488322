from django.urls import path

from atiende.mail import views

app_name = "mail"

urlpatterns = [
    path("", views.inbound_list, name="inbound_list"),
    path("<int:inbound_id>/", views.inbound_detail, name="inbound_detail"),
    path("<int:inbound_id>/eml/", views.inbound_raw, name="inbound_raw"),
    path("<int:inbound_id>/reprocesar/", views.inbound_reprocess, name="inbound_reprocess"),
]
