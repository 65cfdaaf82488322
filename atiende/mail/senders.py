"""Who wrote an email, and what they may do with it.

The From header is easy to forge. We therefore only let a sender add a
public message to a case when they are its requester, a contact of its
organisation or a participant the requester copied; anyone else's mail is
kept as an internal note flagged "unverified sender" for an agent to judge.
Agents writing from their own mail client must also prove they received our
mail (by answering one of our Message-IDs, which are unguessable).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from atiende.accounts.models import Membership, Organisation, User
from atiende.accounts.roles import is_staff_member
from atiende.mail.models import Mailbox, Participant
from atiende.mail.parsing import Address
from atiende.tickets.models import Ticket

ALLOW = "allow"
KNOWN_DOMAINS = "known_domains"
REFUSE = "refuse"
UNKNOWN_SENDER_POLICIES = (ALLOW, KNOWN_DOMAINS, REFUSE)

# Anyone can have an address at these: a contact using one does not make
# every other user of the provider a known customer.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.es",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "outlook.es",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
        "yahoo.es",
        "ymail.com",
    }
)
MAX_PARTICIPANTS = 20


def our_addresses() -> set[str]:
    """Every address that is us: mailboxes and the senders of our notifications."""
    from email.utils import parseaddr

    found = {address.lower() for address in Mailbox.objects.values_list("address", flat=True)}
    for setting in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL):
        address = parseaddr(setting)[1].lower()
        if address:
            found.add(address)
    return found


def find_user(address: str) -> User | None:
    # Groups prefetched: whether they are staff is asked more than once.
    return User.objects.filter(email=address.lower()).prefetch_related("groups").first()


def user_for_sender(sender: Address) -> User:
    """The user an email sender is, created (without a password) the first time they write."""
    user = find_user(sender.email)
    if user is not None:
        return user
    # Without a usable password they cannot log in until they reset it by
    # email, which proves they own the address.
    return User.objects.create_user(sender.email, None, full_name=sender.name[:150])


def is_agent(user: User | None) -> bool:
    return user is not None and is_staff_member(user)


def organisation_for(user: User) -> Organisation | None:
    """The customer a contact writes for: their only organisation, else the last one used."""
    memberships = list(
        Membership.objects.filter(user=user).select_related("organisation").order_by("created_at")
    )
    if len(memberships) == 1:
        return memberships[0].organisation
    if not memberships:
        return None
    last = (
        Ticket.objects.filter(requester=user, organisation__isnull=False)
        .order_by("-created_at")
        .values_list("organisation_id", flat=True)
        .first()
    )
    for membership in memberships:
        if membership.organisation_id == last:
            return membership.organisation
    return memberships[0].organisation


def is_verified_sender(ticket: Ticket, address: str, user: User | None) -> bool:
    """May this address add a public message to ``ticket``?"""
    if user is not None and user.pk == ticket.requester_id:
        return True
    if (
        user is not None
        and ticket.organisation_id
        and Membership.objects.filter(user=user, organisation_id=ticket.organisation_id).exists()
    ):
        return True
    return Participant.objects.filter(ticket=ticket, email=address.lower()).exists()


def known_domain(address: str) -> bool:
    """Does a contact or an organisation already use this address's (non-public) domain?"""
    domain = address.rsplit("@", 1)[-1].lower()
    if not domain or domain in PUBLIC_MAIL_DOMAINS:
        return False
    return (
        Membership.objects.filter(user__email__endswith=f"@{domain}").exists()
        or Organisation.objects.filter(email__iendswith=f"@{domain}").exists()
    )


def may_open_ticket(address: str, user: User | None) -> bool:
    """The ATIENDE_MAIL_UNKNOWN_SENDERS policy; people we know may always write."""
    if user is not None and (is_agent(user) or user.memberships.exists()):
        return True
    policy = settings.ATIENDE_MAIL_UNKNOWN_SENDERS
    if policy == ALLOW:
        # Someone who already has cases with us is not unknown.
        return True
    if policy == KNOWN_DOMAINS:
        return known_domain(address)
    return False


def copied_people(ticket: Ticket, recipients: list[Address], *, exclude: set[str]) -> list[Address]:
    """Recipients of a customer's mail who should follow the case as participants.

    Not our own addresses, not staff (they work the case in the console), not
    the requester and not anyone already following it.
    """
    requester_email = ticket.requester.email
    candidates = [r for r in recipients if r.email not in exclude and r.email != requester_email]
    if not candidates:
        return []  # the usual case: the customer wrote only to us
    existing = set(Participant.objects.filter(ticket=ticket).values_list("email", flat=True))
    room = MAX_PARTICIPANTS - len(existing)
    candidates = [r for r in candidates if r.email not in existing]
    if not candidates or room <= 0:
        return []
    emails = [c.email for c in candidates]
    staff = {
        u.email
        for u in User.objects.filter(email__in=emails).prefetch_related("groups")
        if is_staff_member(u)
    }
    return [c for c in candidates if c.email not in staff][:room]


def unverified_label(sender: Address) -> str:
    return _("Unverified sender: %(sender)s") % {"sender": str(sender)}
