"""Websocket routes of the live chat.

The agents' desk accepts pages of this site only, with their session. A
visitor's conversation also accepts the sites allowed to embed the bubble
(``ATIENDE_CHAT_ORIGINS``); it needs no session, only the conversation's key.
"""

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.conf import settings
from django.urls import path

from atiende.chat.consumers import DeskConsumer, VisitorConsumer


def visitor_origins() -> list[str]:
    """ALLOWED_HOSTS (pages of this site) and the embedding sites' origins
    (scheme, host and port must all match)."""
    return [*settings.ALLOWED_HOSTS, *settings.ATIENDE_CHAT_ORIGINS]


def websocket_urlpatterns() -> list[Any]:
    return [
        path(
            "ws/chat/consola/",
            AllowedHostsOriginValidator(AuthMiddlewareStack(DeskConsumer.as_asgi())),
        ),
        path(
            "ws/chat/<str:token>/",
            OriginValidator(VisitorConsumer.as_asgi(), visitor_origins()),
        ),
    ]
