"""Factories for people and organisations, shared by every app's tests."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from allauth.account.models import EmailAddress

from atiende.accounts.models import Membership, Organisation, User
from atiende.accounts.roles import Role, grant_role
from atiende.services.models import Service, SupportPlan

PASSWORD = "correct-horse-battery-staple"
_numbers = count(1)


def make_user(email: str | None = None, *, password: str = PASSWORD, **extra: Any) -> User:
    email = email or f"person{next(_numbers)}@example.com"
    user = User.objects.create_user(email, password, **extra)
    # allauth refuses logins from unverified addresses; these people verified theirs.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_staff(role: Role, email: str | None = None, **extra: Any) -> User:
    user = make_user(email, **extra)
    grant_role(user, role)
    return user


def make_organisation(name: str | None = None, **extra: object) -> Organisation:
    return Organisation.objects.create(name=name or f"Empresa {next(_numbers)} S.A.S.", **extra)


def make_contact(
    organisation: Organisation | None = None, *, is_admin: bool = False, **extra: Any
) -> User:
    user = make_user(**extra)
    Membership.objects.create(
        user=user, organisation=organisation or make_organisation(), is_admin=is_admin
    )
    return user


def plan(level: int) -> SupportPlan:
    """One of the three plans the data migration creates."""
    return SupportPlan.objects.get(level=level)


def make_service(
    organisation: Organisation, *, level: int = 1, name: str | None = None, **extra: object
) -> Service:
    defaults: dict[str, object] = {
        "product_type": Service.ProductType.SHARED_HOSTING,
        "identifier": f"sitio{next(_numbers)}.example.com",
        "started_on": date(2025, 1, 15),
    }
    return Service.objects.create(
        organisation=organisation,
        name=name or f"Hosting {next(_numbers)}",
        plan=plan(level),
        **{**defaults, **extra},
    )
