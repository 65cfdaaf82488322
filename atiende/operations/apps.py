from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Commands an operator runs: serve, demo (and later worker, backup)."""

    name = "atiende.operations"
    label = "operations"
    verbose_name = _("Operations")
