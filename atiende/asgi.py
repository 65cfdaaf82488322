"""ASGI entry point: uvicorn serves Django over HTTP and the live chat over websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings")

# Django first: the chat's consumers import models.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from atiende.chat.routing import websocket_urlpatterns  # noqa: E402


def websocket_application() -> AllowedHostsOriginValidator:
    """Websockets only from pages of this site (ALLOWED_HOSTS), with the browser's
    session: the desk knows which agent is connected."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
