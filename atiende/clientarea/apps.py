from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientareaConfig(AppConfig):
    name = "atiende.clientarea"
    label = "clientarea"
    verbose_name = _("Client area")
