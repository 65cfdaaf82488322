from django.urls import path

from atiende.chat.consumers import DeskConsumer, VisitorConsumer

websocket_urlpatterns = [
    path("ws/chat/consola/", DeskConsumer.as_asgi()),
    path("ws/chat/<str:token>/", VisitorConsumer.as_asgi()),
]
