"""Create the role groups and give them exactly the permissions ``roles.py`` lists."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from atiende.accounts.roles import GROUP_NAMES, ROLE_PERMISSIONS


def sync_role_groups(**kwargs: Any) -> None:
    using = kwargs.get("using", "default")
    for role, codes in ROLE_PERMISSIONS.items():
        query = Q()
        for code in codes:
            app_label, codename = code.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        permissions = Permission.objects.using(using).filter(query)
        group, _ = Group.objects.using(using).get_or_create(name=GROUP_NAMES[role])
        group.permissions.set(permissions)
