"""Email about tickets, in each recipient's language and time zone.

Actions call these after their transaction commits; each call enqueues a
background task (``django.tasks``), so a slow or failing mail server never
slows down or breaks the request.

Every mail is multipart (text and HTML from the same localised templates)
and threaded: our own Message-ID, In-Reply-To and References chaining to the
case's earlier mail, a Reply-To of the department's mailbox, and a subject
with the case number (see ``atiende.mail.outbound``). Automatic mail says
``Auto-Submitted: auto-generated``; an agent's reply is a person writing
and does not. A task whose SMTP server is unreachable retries itself a
bounded number of times.
"""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from atiende.accounts.middleware import user_time_zone
from atiende.accounts.models import User
from atiende.accounts.roles import department_staff
from atiende.mail import outbound
from atiende.mail.models import OutboundEmail, Participant
from atiende.tickets.models import Attachment, Message, Ticket

Audience = OutboundEmail.Audience
MB = 1024 * 1024


def _render(template: str, context: dict[str, object], user: User) -> tuple[str, str, str]:
    """Subject, text and HTML of ``tickets/email/<template>_*`` for ``user``."""
    with translation.override(user.preferred_language), timezone.override(user_time_zone(user)):
        full = {**context, "recipient": user, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"tickets/email/{template}_subject.txt", full).split())
        text = str(render_to_string(f"tickets/email/{template}_body.txt", full))
        left_out = context.get("left_out")
        if isinstance(left_out, list) and left_out:
            names = ", ".join(left_out)
            text += "\n" + _("Attachments you can download from the client area: %(names)s") % {
                "names": names
            }
            text += "\n"
        html = render_to_string(
            "mail/email/notification.html",
            {"subject": subject, "text": text, "company_name": settings.ATIENDE_COMPANY_NAME},
        )
    return subject, text, html


def _compose(
    ticket: Ticket,
    template: str,
    context: dict[str, object],
    *,
    user: User,
    to: list[str],
    batch: str,
    audience: str,
    automatic: bool = True,
    cc: list[str] | None = None,
    entry: Message | None = None,
) -> outbound.OutgoingEmail:
    subject, text, html = _render(template, {**context, "ticket": ticket}, user)
    return outbound.compose(
        subject=subject,
        text=text,
        html=html,
        to=to,
        cc=cc,
        seed=f"{batch}:{template}:{to[0]}",
        kind=template,
        audience=audience,
        automatic=automatic,
        ticket=ticket,
        entry=entry,
    )


def _reachable(user: User) -> bool:
    return bool(user.email) and user.is_active


def _customer_mail(
    ticket: Ticket,
    template: str,
    context: dict[str, object],
    *,
    batch: str,
    automatic: bool = True,
    skip: frozenset[str] = frozenset(),
    entry: Message | None = None,
) -> list[outbound.OutgoingEmail]:
    """One mail to the requester, with the people they copied (participants) in Cc."""
    requester = ticket.requester
    to = [requester.email] if _reachable(requester) and requester.email not in skip else []
    cc = [
        email
        for email in Participant.objects.filter(ticket=ticket).values_list("email", flat=True)
        if email not in skip
    ]
    if not to:
        to, cc = cc[:1], cc[1:]
    if not to:
        return []
    return [
        _compose(
            ticket,
            template,
            context,
            user=requester,
            to=to,
            cc=cc,
            batch=batch,
            audience=Audience.CUSTOMER,
            automatic=automatic,
            entry=entry,
        )
    ]


def _agent_mail(
    ticket: Ticket, template: str, context: dict[str, object], agents: list[User], *, batch: str
) -> list[outbound.OutgoingEmail]:
    return [
        _compose(
            ticket,
            template,
            context,
            user=agent,
            to=[agent.email],
            batch=batch,
            audience=Audience.AGENT,
        )
        for agent in agents
        if _reachable(agent)
    ]


def _ticket(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related("requester", "department", "organisation", "plan").get(
        pk=ticket_id
    )


def _customer_url(ticket: Ticket) -> str:
    return settings.SITE_URL + reverse("clientarea:ticket", args=[ticket.number])


def _agent_url(ticket: Ticket) -> str:
    return settings.SITE_URL + reverse("console:ticket", args=[ticket.number])


def _split_attachments(entry: Message) -> tuple[list[Attachment], list[str]]:
    """The agent's files that fit the mail's size budget, and the names of the others."""
    budget = settings.ATIENDE_MAIL_OUTBOUND_ATTACHMENTS_MB * MB
    included, left_out = [], []
    for attachment in entry.attachments.all():
        if attachment.size > budget:
            left_out.append(attachment.filename)
            continue
        included.append(attachment)
        budget -= attachment.size
    return included, left_out


@task
def send_ticket_opened(ticket_id: int, batch: str = "", attempt: int = 1) -> int:
    batch = batch or outbound.new_batch()
    ticket = _ticket(ticket_id)
    mail: list[outbound.OutgoingEmail] = []
    origin = outbound.opening_email(ticket)
    # A case opened by email is acknowledged only if that cannot start a loop.
    if origin is None or outbound.auto_reply_allowed(
        ticket.requester.email, inbound=origin, now=timezone.now()
    ):
        mail += _customer_mail(
            ticket, "opened_customer", {"url": _customer_url(ticket)}, batch=batch
        )
    agents = [a for a in department_staff(ticket.department) if a.pk != ticket.requester_id]
    mail += _agent_mail(ticket, "opened_agent", {"url": _agent_url(ticket)}, agents, batch=batch)
    return outbound.deliver_or_retry(
        send_ticket_opened, ticket_id, outgoing=mail, batch=batch, attempt=attempt
    )


@task
def send_agent_replied(message_id: int, batch: str = "", attempt: int = 1) -> int:
    batch = batch or outbound.new_batch()
    message = Message.objects.select_related("ticket", "author").get(pk=message_id)
    ticket = _ticket(message.ticket_id)
    # An agent who answered from their own mail client already reached the
    # people they wrote to; we only tell the others.
    skip = frozenset(outbound.recipients_of(message))
    included, left_out = _split_attachments(message)
    mail = _customer_mail(
        ticket,
        "replied_customer",
        {"message": message, "url": _customer_url(ticket), "left_out": left_out},
        batch=batch,
        automatic=False,
        skip=skip,
        entry=message,
    )
    for item in mail:
        for attachment in included:
            with attachment.file.open("rb") as handle:
                item.email.attach(attachment.filename, handle.read(), attachment.content_type)
    return outbound.deliver_or_retry(
        send_agent_replied, message_id, outgoing=mail, batch=batch, attempt=attempt
    )


@task
def send_ticket_resolved(ticket_id: int, batch: str = "", attempt: int = 1) -> int:
    batch = batch or outbound.new_batch()
    ticket = _ticket(ticket_id)
    mail = _customer_mail(ticket, "resolved_customer", {"url": _customer_url(ticket)}, batch=batch)
    return outbound.deliver_or_retry(
        send_ticket_resolved, ticket_id, outgoing=mail, batch=batch, attempt=attempt
    )


@task
def send_ticket_assigned(ticket_id: int, agent_id: int, batch: str = "", attempt: int = 1) -> int:
    batch = batch or outbound.new_batch()
    ticket = _ticket(ticket_id)
    mail = _agent_mail(
        ticket,
        "assigned_agent",
        {"url": _agent_url(ticket)},
        list(User.objects.filter(pk=agent_id)),
        batch=batch,
    )
    return outbound.deliver_or_retry(
        send_ticket_assigned, ticket_id, agent_id, outgoing=mail, batch=batch, attempt=attempt
    )


@task
def send_ticket_merged(ticket_id: int, batch: str = "", attempt: int = 1) -> int:
    batch = batch or outbound.new_batch()
    ticket = Ticket.objects.select_related("requester", "merged_into").get(pk=ticket_id)
    target = ticket.merged_into
    assert target is not None
    mail = _customer_mail(
        ticket, "merged_customer", {"target": target, "url": _customer_url(target)}, batch=batch
    )
    return outbound.deliver_or_retry(
        send_ticket_merged, ticket_id, outgoing=mail, batch=batch, attempt=attempt
    )


def ticket_opened(ticket_id: int) -> None:
    send_ticket_opened.enqueue(ticket_id)


def agent_replied(message_id: int) -> None:
    send_agent_replied.enqueue(message_id)


def ticket_resolved(ticket_id: int) -> None:
    send_ticket_resolved.enqueue(ticket_id)


def ticket_assigned(ticket_id: int, agent_id: int) -> None:
    send_ticket_assigned.enqueue(ticket_id, agent_id)


def ticket_merged(ticket_id: int) -> None:
    send_ticket_merged.enqueue(ticket_id)
