"""Tickets in the client area: open one, follow it, answer, resolve, reopen."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atiende.services.queries import services_for_contact
from atiende.tickets.actions import (
    TicketError,
    add_message,
    reopen_by_customer,
    resolve_by_customer,
)
from atiende.tickets.forms import NewTicketForm, ReplyForm
from atiende.tickets.models import Message, Ticket
from atiende.tickets.permissions import (
    get_attachment_for_user,
    get_ticket_for_customer,
)
from atiende.tickets.queries import customer_tickets

# The list's filter in the URL (Spanish, as the client area's addresses) → its state.
STATES = {"abiertos": "open", "cerrados": "closed", "todos": "all"}


@login_required
def new_ticket(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("service", "").isdigit():
        # "Open a ticket about this service" from the client area.
        service = services_for_contact(request.user).filter(pk=request.GET["service"]).first()  # type: ignore[arg-type]
        if service is not None:
            initial = {"service": service.pk, "organisation": service.organisation_id}
    form = NewTicketForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,  # type: ignore[arg-type]
        initial=initial,
    )
    if not form.fields["organisation"].queryset.exists():  # type: ignore[attr-defined]
        messages.error(
            request, _("Your account is not linked to any organisation yet. Please contact us.")
        )
        return redirect("clientarea:dashboard")
    if request.method == "POST" and form.is_valid():
        ticket = form.open_ticket(
            request.user,  # type: ignore[arg-type]
            channel=Ticket.Channel.PORTAL,
            now=timezone.now(),
        )
        return redirect("clientarea:ticket_received", number=ticket.number)
    return render(request, "tickets/customer/new.html", {"form": form})


@login_required
def received(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_customer(request.user, number)  # type: ignore[arg-type]
    return render(request, "tickets/customer/received.html", {"ticket": ticket})


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("estado", "abiertos")
    if state not in STATES:
        state = "abiertos"
    query = request.GET.get("q", "").strip()[:100]
    tickets = customer_tickets(
        request.user,  # type: ignore[arg-type]
        state=STATES[state],
        query=query,
    ).select_related("organisation", "service")
    page = Paginator(tickets, settings.ATIENDE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "tickets/customer/list.html", {"page": page, "state": state, "query": query}
    )


def _detail_context(request: HttpRequest, ticket: Ticket, form: ReplyForm | None = None) -> dict:
    conversation = (
        ticket.messages.filter(kind__in=[Message.Kind.REPLY, Message.Kind.CHAT])
        .select_related("author")
        .prefetch_related("attachments")
    )
    reopen_until = None
    if ticket.status == Ticket.Status.RESOLVED and ticket.resolved_at:
        reopen_until = ticket.resolved_at + timedelta(days=settings.ATIENDE_REOPEN_DAYS)
    return {
        "ticket": ticket,
        "conversation": conversation,
        "form": form or ReplyForm(),
        "can_reopen": reopen_until is not None and timezone.now() <= reopen_until,
    }


@login_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_customer(request.user, number)  # type: ignore[arg-type]
    return render(request, "tickets/customer/detail.html", _detail_context(request, ticket))


@require_POST
@login_required
def reply(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_customer(request.user, number)  # type: ignore[arg-type]
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "tickets/customer/detail.html",
            _detail_context(request, ticket, form),
            status=400,
        )
    message = add_message(
        ticket,
        author=request.user,  # type: ignore[arg-type]
        body=form.cleaned_data["body"],
        from_staff=False,
        uploads=form.cleaned_data["attachments"],
        now=timezone.now(),
    )
    if message.ticket_id != ticket.pk:
        messages.info(
            request,
            _("Case %(old)s was closed, so your message opened the new case %(new)s.")
            % {"old": ticket.display_number, "new": message.ticket.display_number},
        )
        return redirect("clientarea:ticket", number=message.ticket.number)
    messages.success(request, _("Your reply was added to the case."))
    return redirect("clientarea:ticket", number=ticket.number)


@require_POST
@login_required
def resolve(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_customer(request.user, number)  # type: ignore[arg-type]
    try:
        resolve_by_customer(ticket, user=request.user, now=timezone.now())  # type: ignore[arg-type]
        messages.success(request, _("Thank you. The case is marked as resolved."))
    except TicketError as error:
        messages.error(request, str(error))
    return redirect("clientarea:ticket", number=ticket.number)


@require_POST
@login_required
def reopen(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_customer(request.user, number)  # type: ignore[arg-type]
    try:
        reopen_by_customer(ticket, user=request.user, now=timezone.now())  # type: ignore[arg-type]
        messages.success(request, _("The case is open again."))
    except TicketError as error:
        messages.error(request, str(error))
    return redirect("clientarea:ticket", number=ticket.number)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Serve an attachment to someone allowed to see its message; never by public URL."""
    item = get_attachment_for_user(request.user, attachment_id)  # type: ignore[arg-type]
    inline = item.is_image and request.GET.get("download") is None
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.filename,
        content_type=item.content_type,
    )
    # Even an accepted file must never run as a page of ours.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
