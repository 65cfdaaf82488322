"""Organisation administrators invite colleagues to become contacts."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from atiende.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    User,
    hash_invitation_token,
)


class InvitationError(Exception):
    """The invitation cannot be used; ``str(error)`` is safe to show."""


def _send_invitation_email(invitation_id: int, token: str, language: str) -> None:
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    url = settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])
    with translation.override(language):
        context = {"invitation": invitation, "url": url}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invite_colleague(
    organisation: Organisation,
    *,
    email: str,
    as_admin: bool,
    acting_user: User,
    now: datetime,
) -> Invitation:
    """Create an invitation and email its link. Re-inviting replaces the old link."""
    email = email.strip().lower()
    Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        as_admin=as_admin,
        invited_by=acting_user,
        token_hash=hash_invitation_token(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.ATIENDE_INVITATION_DAYS),
    )
    # The invitee has no account yet, so the mail goes in the inviter's language.
    language = acting_user.preferred_language
    transaction.on_commit(lambda: _send_invitation_email(invitation.pk, token, language))
    return invitation


def find_invitation(token: str, *, now: datetime) -> Invitation:
    """The usable invitation for ``token``; raises InvitationError otherwise."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable(now=now):
        raise InvitationError(
            translation.gettext("This invitation link is not valid or has expired.")
        )
    return invitation


@transaction.atomic
def accept_invitation(
    invitation: Invitation,
    *,
    user: User | None,
    full_name: str = "",
    password: str | None = None,
    now: datetime,
) -> User:
    """Make the invitee a contact of the organisation.

    ``user`` is the logged-in account accepting (it must own the invited
    address); without one a new account is created with ``password``. The
    address counts as verified: the invitee proved it by following the link.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable(now=now):
        raise InvitationError(
            translation.gettext("This invitation link is not valid or has expired.")
        )
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                translation.gettext("An account with this address exists; log in to accept.")
            )
        user = User.objects.create_user(
            invitation.email, password, full_name=full_name, date_joined=now
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            translation.gettext("This invitation was sent to another email address.")
        )
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"is_admin": invitation.as_admin, "created_at": now},
    )
    if not created and invitation.as_admin and not membership.is_admin:
        membership.is_admin = True
        membership.save(update_fields=["is_admin"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
