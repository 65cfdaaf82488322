"""Two-factor authentication state, read from allauth's MFA authenticators."""

from __future__ import annotations

from allauth.mfa.models import Authenticator

from atiende.accounts.models import User


def has_two_factor(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
