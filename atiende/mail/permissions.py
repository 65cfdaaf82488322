"""Who may see received email in the console.

Received mail can hold anything a stranger sent; staff see the mail of the
mailboxes whose department's tickets they may see (restricted departments:
members only), and supervisors and administrators see all of it, including
mail for mailbox codes that do not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from atiende.accounts.models import User
from atiende.accounts.permissions import visible_department_ids
from atiende.accounts.roles import Role, roles_of
from atiende.mail.models import InboundEmail


def inbound_for_agent(user: User) -> QuerySet[InboundEmail]:
    roles = roles_of(user)
    if not roles:
        return InboundEmail.objects.none()
    if Role.SUPERVISOR in roles or Role.ADMINISTRATOR in roles:
        return InboundEmail.objects.all()
    return InboundEmail.objects.filter(mailbox__department__in=visible_department_ids(user))


def get_inbound_for_agent(user: User, inbound_id: int) -> InboundEmail:
    """The received email for a staff member; 403 for customers, 404 out of their reach."""
    if not roles_of(user):
        raise PermissionDenied
    inbound = (
        inbound_for_agent(user)
        .select_related("mailbox", "mailbox__department", "ticket", "entry", "duplicate_of")
        .filter(pk=inbound_id)
        .first()
    )
    if inbound is None:
        raise Http404
    return inbound
