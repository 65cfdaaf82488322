from django.urls import path

from atiende.api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:token_id>/revocar/", views.revoke, name="revoke"),
]
