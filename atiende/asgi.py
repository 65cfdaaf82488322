"""ASGI entry point: uvicorn serves Django (and, later, Channels websockets)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings")

application = get_asgi_application()
