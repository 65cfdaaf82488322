"""ASGI entry point: uvicorn serves Django over HTTP and the live chat over websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings")

# Django first: the chat's consumers import models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from atiende.chat.routing import websocket_urlpatterns  # noqa: E402


def websocket_application() -> URLRouter:
    """The chat's websockets; each route checks where it is opened from (routing.py)."""
    return URLRouter(websocket_urlpatterns())


application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
