"""Roles are Django groups with permissions, created by a data migration.

A user's role decides what they may do: customer contacts use the client
area; agents, supervisors and administrators work in the console. Code asks
``has_role`` or checks a permission; it never reads ad-hoc flags.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from atiende.accounts.models import Department, User


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"


# Group names are stable identifiers (the admin shows them); labels are translated in views.
GROUP_NAMES: dict[Role, str] = {
    Role.AGENT: "Agents",
    Role.SUPERVISOR: "Supervisors",
    Role.ADMINISTRATOR: "Administrators",
}

# Permissions each role's group holds: app_label.codename. A higher role holds
# everything the lower ones do (see ROLE_PERMISSIONS below).
_AGENT = [
    "accounts.view_organisation",
    "accounts.view_membership",
    "services.view_service",
    "services.view_supportplan",
    "accounts.view_console",
    "kb.view_article",
    "kb.add_article",
    "kb.change_article",
    "tickets.work_ticket",
    "tickets.view_ticket",
    "tickets.view_cannedreply",
]
_SUPERVISOR = [
    *_AGENT,
    "accounts.change_organisation",
    "accounts.add_organisation",
    "accounts.add_membership",
    "accounts.change_membership",
    "services.add_service",
    "services.change_service",
    "accounts.view_reports",
    "kb.publish_article",
    "kb.delete_article",
    "kb.add_category",
    "kb.change_category",
    "tickets.add_cannedreply",
    "tickets.change_cannedreply",
    "tickets.delete_cannedreply",
]
_ADMINISTRATOR = [
    *_SUPERVISOR,
    "accounts.delete_organisation",
    "accounts.delete_membership",
    "services.delete_service",
    "services.change_supportplan",
    "services.add_supportplan",
    "services.change_planchannel",
    "services.change_responsetarget",
    "sla.change_calendar",
    "sla.add_calendar",
    "triage.change_casetype",
    "triage.add_casetype",
    "accounts.change_department",
    "accounts.add_department",
    "accounts.manage_staff",
    "mail.view_mailbox",
    "mail.add_mailbox",
    "mail.change_mailbox",
    "mail.view_inboundemail",
    "mail.view_participant",
    "mail.change_participant",
    "mail.delete_participant",
]
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: _SUPERVISOR,
    Role.ADMINISTRATOR: _ADMINISTRATOR,
}

# Administrators need two-factor authentication; see RequireStaffTwoFactorMiddleware.
ROLES_REQUIRING_TWO_FACTOR = {Role.ADMINISTRATOR}


def roles_of(user: User) -> set[Role]:
    if not user.is_authenticated or not user.is_active:
        return set()
    names = {name: role for role, name in GROUP_NAMES.items()}
    found = {names[g.name] for g in user.groups.all() if g.name in names}
    if user.is_superuser:
        found.add(Role.ADMINISTRATOR)
    return found


def has_role(user: User, role: Role) -> bool:
    return role in roles_of(user)


def is_staff_member(user: User) -> bool:
    """Agents, supervisors and administrators: the people who work the console."""
    return bool(roles_of(user))


def grant_role(user: User, role: Role) -> None:
    """Give ``user`` a staff role. Staff may open the console and the admin."""
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def users_with_role(*roles: Role) -> QuerySet[User]:
    """Active users holding any of ``roles``."""
    return User.objects.filter(
        groups__name__in=[GROUP_NAMES[role] for role in roles], is_active=True
    ).distinct()


def department_staff(department: Department) -> list[User]:
    """Who works a department's cases: its active members, else every agent and supervisor."""
    members = list(department.members.filter(is_active=True))
    return members or list(users_with_role(Role.AGENT, Role.SUPERVISOR))
