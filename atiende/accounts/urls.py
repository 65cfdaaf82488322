from django.urls import path

from atiende.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("idioma/", views.set_language, name="set_language"),
    path("preferencias/", views.preferences, name="preferences"),
    path("invitacion/<str:token>/", views.accept, name="accept_invitation"),
]
