from django.urls import path

from atiende.chat import views

app_name = "chat"

urlpatterns = [
    path("iniciar/", views.start, name="start"),
    path("widget/", views.widget, name="widget"),
]
