from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "atiende.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from atiende.accounts.role_groups import sync_role_groups

        # After every migrate (permissions exist by then), bring the role
        # groups in line with roles.ROLE_PERMISSIONS.
        post_migrate.connect(sync_role_groups, dispatch_uid="atiende_sync_role_groups")
