"""Issue, check and revoke personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from atiende.accounts.models import User
from atiende.api.models import ApiToken

TOKEN_PREFIX = "atd_"  # noqa: S105 - a public marker, not a secret
# Recording every use would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)
MAX_TOKENS_PER_USER = 20


class TokenLimitReached(Exception):
    pass


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: User, *, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its secret (shown to them once)."""
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_TOKENS_PER_USER:  # type: ignore[attr-defined]
        raise TokenLimitReached
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=_digest(secret),
        created_at=now,
    )
    return token, secret


def user_for_token(secret: str, *, now: datetime) -> User | None:
    """The active user a live token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(user: User, token_id: int, *, now: datetime) -> bool:
    """Revoke one of ``user``'s own tokens; False if there is no such live token."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=now
        )
    )
