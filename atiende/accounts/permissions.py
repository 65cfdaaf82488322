"""Who may see which organisation. Views and the API fetch through these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from atiende.accounts.models import Department, Membership, Organisation, User
from atiende.accounts.roles import is_staff_member


def organisations_for_contact(user: User) -> QuerySet[Organisation]:
    """The organisations a contact belongs to (none for anonymous users)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def get_organisation_for_contact(user: User, organisation_id: int) -> Organisation:
    """The organisation if ``user`` is one of its contacts, else 404.

    404 rather than 403: a customer must not learn that another customer's
    organisation exists.
    """
    try:
        return organisations_for_contact(user).get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None


def get_membership_for_org_admin(user: User, organisation_id: int) -> Membership:
    """The user's membership if they administer the organisation; 404/403 otherwise."""
    organisation = get_organisation_for_contact(user, organisation_id)
    membership = Membership.objects.select_related("organisation").get(
        user=user, organisation=organisation
    )
    if not membership.is_admin:
        raise PermissionDenied
    return membership


def get_organisation_for_staff(user: User, organisation_id: int) -> Organisation:
    if not is_staff_member(user):
        raise PermissionDenied
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None


def visible_department_ids(user: User) -> list[int]:
    """Ids of the departments whose work an agent sees: unrestricted ones and their own.

    A short list, looked up first: ``department__in=[...]`` never repeats a row
    per department member (as a join would), and the database estimates it
    well enough to walk the queue index instead of sorting every open case.
    """
    return list(
        Department.objects.filter(Q(is_restricted=False) | Q(members=user))
        .values_list("pk", flat=True)
        .distinct()
    )
