"""Every change to a ticket. Each action is atomic, writes TicketEvents in the
same transaction, and sends mail only once the transaction has committed."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from atiende.accounts.models import Department, Organisation, User
from atiende.services.models import Impact, Service, SupportPlan
from atiende.sla.tracking import SLA_FIELDS, refresh_deadlines
from atiende.tickets import notifications
from atiende.tickets.attachments import CheckedUpload, store_attachments
from atiende.tickets.models import NOTHING_DUE, Message, Tag, Ticket, TicketEvent
from atiende.triage.alerts import high_impact_alert
from atiende.triage.classify import classification_row, record_correction, triage
from atiende.triage.models import CaseType
from atiende.webhooks import sending as webhooks

Status = Ticket.Status


class TicketError(Exception):
    """A ticket action that cannot happen; ``str(error)`` is safe to show the user."""


class TicketClosed(TicketError):
    def __init__(self, ticket: Ticket) -> None:
        super().__init__(_("Case %(number)s is closed.") % {"number": ticket.display_number})


class ReopenWindowPassed(TicketError):
    pass


def new_case_number() -> str:
    """Eight random digits, the first not zero: easy to dictate, impossible to enumerate."""
    return str(secrets.randbelow(90_000_000) + 10_000_000)


def plan_for(organisation: Organisation | None, service: Service | None) -> SupportPlan:
    """The plan whose promises apply: the service's, else the organisation's best active one."""
    if service is not None:
        return service.plan
    if organisation is not None:
        best = (
            SupportPlan.objects.filter(
                services__organisation=organisation, services__status=Service.Status.ACTIVE
            )
            .order_by("-level")
            .first()
        )
        if best is not None:
            return best
    return SupportPlan.objects.order_by("level").first()  # type: ignore[return-value]


def _event(ticket: Ticket, kind: str, *, actor: User | None, now: datetime, **data: Any) -> None:
    TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, at=now, data=data)
    webhooks.emit(
        "ticket.created" if kind == TicketEvent.Kind.CREATED else "ticket.changed",
        ticket_id=ticket.pk,
        change={"kind": kind, "actor": str(actor) if actor else None, **data},
    )


def out_of_scope(plan: SupportPlan, case_type: CaseType | None) -> bool:
    """A request the plan does not cover (answered anyway, flagged to the agent)."""
    return case_type is not None and plan.level < case_type.min_plan_level


IMPACT_RANK = {"low": 1, "medium": 2, "high": 3}
DERIVED_FIELDS = [
    "queue_open",
    "impact_rank",
    "plan_level",
    "sort_due",
    "out_of_scope",
    *SLA_FIELDS,
]


def derive(ticket: Ticket, *, changes: list[tuple[datetime, str, str]] | None = None) -> None:
    """Recompute what follows from impact, plan, case type and status (the caller saves).

    The SLA deadlines, the scope flag and the queue's sort keys: queues order
    by ``sort_due``, ``impact_rank`` and ``plan_level`` so that one index
    serves the order (see ``Ticket.Meta.indexes``).
    """
    ticket.queue_open = ticket.status in Ticket.OPEN_STATUSES
    ticket.impact_rank = IMPACT_RANK.get(ticket.impact, 1)
    ticket.plan_level = ticket.plan.level
    ticket.out_of_scope = out_of_scope(ticket.plan, ticket.case_type)
    refresh_deadlines(ticket, changes=changes)
    ticket.sort_due = ticket.due_at or NOTHING_DUE


@transaction.atomic
def open_ticket(
    *,
    requester: User,
    subject: str,
    body: str,
    channel: str,
    now: datetime,
    organisation: Organisation | None = None,
    service: Service | None = None,
    department: Department | None = None,
    case_type: CaseType | None = None,
    uploads: Sequence[CheckedUpload] = (),
    acting_user: User | None = None,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    """Open a case with the requester's first message.

    The case type, when known, decides the impact and (unless one is given)
    the department. Raises TicketError if the service is not the organisation's.
    """
    if service is not None and service.organisation_id != getattr(organisation, "pk", None):
        raise TicketError(_("That service does not belong to this organisation."))
    chosen_by = ""
    if case_type is not None:
        by_staff = acting_user is not None and acting_user != requester
        chosen_by = Ticket.SetBy.AGENT if by_staff else Ticket.SetBy.CUSTOMER
    result = triage(subject, body, chosen=case_type)
    case_type = result.case_type
    if department is None:
        department = (
            case_type.department
            if case_type is not None
            else Department.objects.order_by("order").first()
        )
    ticket = Ticket(
        subject=subject.strip()[:200],
        organisation=organisation,
        requester=requester,
        service=service,
        plan=plan_for(organisation, service),
        department=department,
        case_type=case_type,
        case_type_set_by=chosen_by or (Ticket.SetBy.CLASSIFIER if case_type else ""),
        # An agent who chose the type knows better than the classifier.
        needs_triage=result.needs_triage and chosen_by != Ticket.SetBy.AGENT,
        impact=case_type.impact if case_type is not None else "low",
        channel=channel,
        created_at=now,
        updated_at=now,
        follow_up_of=follow_up_of,
        message_count=1,
    )
    derive(ticket, changes=[])
    for _attempt in range(5):
        ticket.number = new_case_number()
        try:
            with transaction.atomic():
                ticket.save()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 5 collisions in 90 million numbers
        raise TicketError(_("Could not allocate a case number; please try again."))
    message = Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.REPLY,
        author=requester,
        from_staff=False,
        body=body,
        channel=channel,
        created_at=now,
    )
    store_attachments(message, uploads)
    _event(
        ticket, TicketEvent.Kind.CREATED, actor=acting_user or requester, now=now, channel=channel
    )
    classification_row(
        result,
        ticket_id=ticket.pk,
        customer_choice=case_type.code if chosen_by == Ticket.SetBy.CUSTOMER and case_type else "",
        now=now,
    ).save()
    transaction.on_commit(lambda: notifications.ticket_opened(ticket.pk))
    if ticket.impact == Impact.HIGH:
        transaction.on_commit(lambda: high_impact_alert(ticket.pk))
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    return (
        # Lock the ticket row only, not the rows it joins (case_type may be null).
        Ticket.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__calendar", "department", "case_type")
        .get(pk=ticket.pk)
    )


@transaction.atomic
def add_message(
    ticket: Ticket,
    *,
    author: User | None,
    body: str,
    from_staff: bool,
    now: datetime,
    kind: str = Message.Kind.REPLY,
    channel: str = Ticket.Channel.PORTAL,
    uploads: Sequence[CheckedUpload] = (),
    status_after: str | None = None,
    direction: str = "",
    duration: timedelta | None = None,
) -> Message:
    """Add a reply or note to the conversation.

    A customer writing on a pending or resolved case reopens it; on a closed
    case, their message opens a linked follow-up case instead (closed cases are
    read-only). An agent's first public reply is the first response.
    Raises TicketClosed for staff writing on a closed case.
    """
    ticket = _locked(ticket)
    if ticket.is_closed:
        if from_staff:
            raise TicketClosed(ticket)
        # Customers' messages always have an author; only staff notes may have none.
        assert author is not None
        follow_up = open_ticket(
            requester=author,
            subject=ticket.subject,
            body=body,
            channel=channel,
            now=now,
            organisation=ticket.organisation,
            service=ticket.service,
            department=ticket.department,
            case_type=ticket.case_type,
            uploads=uploads,
            follow_up_of=ticket,
        )
        _event(ticket, TicketEvent.Kind.FOLLOW_UP, actor=author, now=now, number=follow_up.number)
        return follow_up.messages.get()
    message = Message.objects.create(
        ticket=ticket,
        kind=kind,
        author=author,
        from_staff=from_staff,
        body=body,
        channel=channel,
        created_at=now,
        direction=direction,
        duration=duration,
    )
    store_attachments(message, uploads)
    ticket.updated_at = now
    ticket.message_count = F("message_count") + 1
    responds = from_staff and kind in Message.RESPONSE_KINDS
    customer_came_back = not from_staff and ticket.status in (Status.PENDING, Status.RESOLVED)
    first_answer = responds and ticket.status == Status.NEW and status_after is None
    new_status = Status.OPEN if customer_came_back or first_answer else status_after
    if responds:
        # An agent's reply, call or remote session answers the customer: it
        # meets the first response, or the next one they were waiting for.
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        ticket.awaiting_reply_since = None
    elif (
        not from_staff
        and ticket.first_response_at is not None
        and ticket.awaiting_reply_since is None
    ):
        ticket.awaiting_reply_since = now
    if new_status and new_status != ticket.status:
        _change_status(ticket, new_status, actor=author, now=now)
    derive(ticket)
    ticket.save(
        update_fields=[
            "updated_at",
            "message_count",
            "first_response_at",
            "awaiting_reply_since",
            "status",
            "resolved_at",
            "closed_at",
            *DERIVED_FIELDS,
        ]
    )
    if from_staff and kind == Message.Kind.REPLY:
        transaction.on_commit(lambda: notifications.agent_replied(message.pk))
    webhooks.emit("message.created", ticket_id=ticket.pk, message_id=message.pk)
    return message


def _change_status(ticket: Ticket, status: str, *, actor: User | None, now: datetime) -> None:
    _event(
        ticket, TicketEvent.Kind.STATUS, actor=actor, now=now, before=ticket.status, after=status
    )
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = now
        pk = ticket.pk
        transaction.on_commit(lambda: notifications.ticket_resolved(pk))
    elif status == Status.CLOSED:
        ticket.closed_at = now
    else:
        ticket.resolved_at = None


UNSET: Any = object()


@transaction.atomic
def update_ticket(
    ticket: Ticket,
    *,
    acting_user: User,
    now: datetime,
    status: str = UNSET,
    assignee: User | None = UNSET,
    impact: str = UNSET,
    case_type: CaseType | None = UNSET,
    department: Department = UNSET,
    service: Service | None = UNSET,
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
) -> Ticket:
    """Change a ticket's fields; every real change is an event with before and after.

    Changing the impact, the service (and so the plan) or a pausing status
    recomputes the SLA deadlines. Raises TicketClosed: closed cases are read-only.
    """
    ticket = _locked(ticket)
    if ticket.is_closed:
        raise TicketClosed(ticket)
    changed: list[str] = []
    if status is not UNSET and status != ticket.status:
        _change_status(ticket, status, actor=acting_user, now=now)
        changed += ["status", "resolved_at", "closed_at"]
    if assignee is not UNSET and assignee != ticket.assignee:
        _event(
            ticket,
            TicketEvent.Kind.ASSIGNED,
            actor=acting_user,
            now=now,
            before=ticket.assignee_id,
            after=getattr(assignee, "pk", None),
            name=str(assignee) if assignee else "",
        )
        ticket.assignee = assignee
        changed.append("assignee")
        if assignee is not None and assignee != acting_user:
            pk, agent_pk = ticket.pk, assignee.pk
            transaction.on_commit(lambda: notifications.ticket_assigned(pk, agent_pk))
    if case_type is not UNSET and case_type != ticket.case_type:
        _event(
            ticket,
            TicketEvent.Kind.CASE_TYPE,
            actor=acting_user,
            now=now,
            before=getattr(ticket.case_type, "code", None),
            after=getattr(case_type, "code", None),
        )
        record_correction(ticket, corrected=case_type, agent=acting_user, now=now)
        ticket.case_type = case_type
        changed.append("case_type")
    if case_type is not UNSET and (ticket.needs_triage or "case_type" in changed):
        # An agent set or confirmed the case type: triage is done, and the
        # classifier will never override it.
        ticket.needs_triage = False
        ticket.case_type_set_by = Ticket.SetBy.AGENT
        changed += ["needs_triage", "case_type_set_by"]
        if impact is UNSET and case_type is not None:
            impact = case_type.impact
    if impact is not UNSET and impact != ticket.impact:
        _event(
            ticket,
            TicketEvent.Kind.IMPACT,
            actor=acting_user,
            now=now,
            before=ticket.impact,
            after=impact,
        )
        ticket.impact = impact
        changed.append("impact")
    if service is not UNSET and service != ticket.service:
        if service is not None and service.organisation_id != ticket.organisation_id:
            raise TicketError(_("That service does not belong to this organisation."))
        _event(
            ticket,
            TicketEvent.Kind.SERVICE,
            actor=acting_user,
            now=now,
            before=str(ticket.service or ""),
            after=str(service or ""),
        )
        ticket.service = service
        ticket.plan = plan_for(ticket.organisation, service)
        changed += ["service", "plan"]
    if department is not UNSET and department != ticket.department:
        _event(
            ticket,
            TicketEvent.Kind.DEPARTMENT,
            actor=acting_user,
            now=now,
            before=ticket.department.code,
            after=department.code,
        )
        ticket.department = department
        changed.append("department")
    if add_tags or remove_tags:
        before = sorted(ticket.tags.values_list("name", flat=True))
        for name in add_tags:
            tag, _created = Tag.objects.get_or_create(name=name.strip().lower()[:50])
            ticket.tags.add(tag)
        if remove_tags:
            ticket.tags.remove(*Tag.objects.filter(name__in=[n.lower() for n in remove_tags]))
        after = sorted(ticket.tags.values_list("name", flat=True))
        if before != after:
            _event(
                ticket,
                TicketEvent.Kind.TAGS,
                actor=acting_user,
                now=now,
                before=before,
                after=after,
            )
    if changed:
        derive(ticket)
        ticket.updated_at = now
        ticket.save(update_fields=[*set(changed), "updated_at", *DERIVED_FIELDS])
    return ticket


@transaction.atomic
def merge_ticket(source: Ticket, *, into: Ticket, acting_user: User, now: datetime) -> Ticket:
    """Move ``source``'s conversation into ``into`` and close ``source``.

    Both must belong to the same organisation and be open. The customer is told
    by email that their case continues under the other number.
    """
    if source.pk == into.pk:
        raise TicketError(_("A case cannot be merged into itself."))
    first, second = sorted([source.pk, into.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])}
    source, into = locked[source.pk], locked[into.pk]
    if source.organisation_id != into.organisation_id:
        raise TicketError(_("Only cases of the same customer can be merged."))
    for ticket in (source, into):
        if ticket.is_closed:
            raise TicketClosed(ticket)
    moved = Message.objects.filter(ticket=source).update(ticket=into)
    _event(
        source,
        TicketEvent.Kind.MERGED,
        actor=acting_user,
        now=now,
        into=into.number,
        messages=moved,
    )
    _event(
        into,
        TicketEvent.Kind.MERGED_IN,
        actor=acting_user,
        now=now,
        source=source.number,
        messages=moved,
    )
    source.merged_into = into
    source.message_count = 0
    _change_status(source, Status.CLOSED, actor=acting_user, now=now)
    derive(source)
    source.updated_at = now
    source.save(
        update_fields=[
            "merged_into",
            "message_count",
            "status",
            "closed_at",
            "resolved_at",
            "updated_at",
            *DERIVED_FIELDS,
        ]
    )
    into.message_count = F("message_count") + moved
    into.updated_at = now
    into.save(update_fields=["message_count", "updated_at"])
    source_pk = source.pk
    transaction.on_commit(lambda: notifications.ticket_merged(source_pk))
    return into


@transaction.atomic
def resolve_by_customer(ticket: Ticket, *, user: User, now: datetime) -> Ticket:
    """The customer marks their case as resolved."""
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise TicketError(_("This case is not open."))
    _change_status(ticket, Status.RESOLVED, actor=user, now=now)
    derive(ticket)
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at", *DERIVED_FIELDS])
    return ticket


@transaction.atomic
def reopen_by_customer(ticket: Ticket, *, user: User, now: datetime) -> Ticket:
    """Reopen a resolved case within ATIENDE_REOPEN_DAYS of its resolution."""
    ticket = _locked(ticket)
    if ticket.status != Status.RESOLVED:
        raise TicketError(_("Only resolved cases can be reopened."))
    window = timedelta(days=settings.ATIENDE_REOPEN_DAYS)
    if ticket.resolved_at is not None and now - ticket.resolved_at > window:
        raise ReopenWindowPassed(
            _("This case was resolved more than %(days)d days ago; please open a new one.")
            % {"days": settings.ATIENDE_REOPEN_DAYS}
        )
    _change_status(ticket, Status.OPEN, actor=user, now=now)
    derive(ticket)
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at", *DERIVED_FIELDS])
    return ticket


def close_resolved_tickets(*, now: datetime, batch: int = 500) -> int:
    """Close cases resolved more than ATIENDE_AUTO_CLOSE_DAYS ago. Returns how many."""
    cutoff = now - timedelta(days=settings.ATIENDE_AUTO_CLOSE_DAYS)
    closed = 0
    while True:
        with transaction.atomic():
            due = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
                .order_by("resolved_at")[:batch]
            )
            for ticket in due:
                _change_status(ticket, Status.CLOSED, actor=None, now=now)
                derive(ticket)
                ticket.updated_at = now
                ticket.save(
                    update_fields=[
                        "status",
                        "closed_at",
                        "resolved_at",
                        "updated_at",
                        *DERIVED_FIELDS,
                    ]
                )
        closed += len(due)
        if len(due) < batch:
            return closed


def apply_plan_change(service: Service, *, acting_user: User | None, now: datetime) -> int:
    """After a service changes plan, its open cases follow the new plan's promises."""
    changed = 0
    for ticket_id in Ticket.objects.filter(
        service=service, status__in=Ticket.OPEN_STATUSES
    ).values_list("pk", flat=True):
        with transaction.atomic():
            ticket = _locked(Ticket(pk=ticket_id))
            if ticket.plan_id == service.plan_id:
                continue
            _event(
                ticket,
                TicketEvent.Kind.SERVICE,
                actor=acting_user,
                now=now,
                before=ticket.plan.name,
                after=service.plan.name,
            )
            ticket.plan = service.plan
            derive(ticket)
            ticket.save(update_fields=["plan", *DERIVED_FIELDS])
            changed += 1
    return changed
