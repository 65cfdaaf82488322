"""Tickets in the agent console: queues, the ticket page and every action on it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from atiende.accounts.models import Department, User
from atiende.kb.search import suggest_articles
from atiende.services.models import Impact, SupportPlan
from atiende.sla.tracking import time_left
from atiende.tickets.actions import TicketError, add_message, merge_ticket, update_ticket
from atiende.tickets.forms import (
    BULK_ACTIONS,
    AgentReplyForm,
    BulkForm,
    MergeForm,
    SavedFilterForm,
    TicketFieldsForm,
    canned_replies_for,
    staff_queryset,
)
from atiende.tickets.models import CannedReply, Message, SavedFilter, Ticket
from atiende.tickets.permissions import get_ticket_for_agent, tickets_for_agent
from atiende.tickets.presence import report_presence
from atiende.tickets.queries import FILTER_FIELDS, QUEUES, agent_queue, attach, queue_counts
from atiende.triage.models import CaseType

console_access = permission_required("accounts.view_console", raise_exception=True)
FILTER_PARAMS = [*FILTER_FIELDS, "assignee", "q"]


def _filters(query: QueryDict) -> dict[str, str]:
    return {name: query.get(name, "")[:100] for name in FILTER_PARAMS if query.get(name)}


@login_required
@console_access
def queue(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    slug = request.GET.get("cola", "open")
    filters = _filters(request.GET)
    visible = tickets_for_agent(user)
    tickets = agent_queue(user, slug, filters, visible)
    counts = queue_counts(user, visible)
    paginator = Paginator(tickets, settings.ATIENDE_PAGE_SIZE)
    if not filters and slug in counts:
        # The queue's size is already counted for the menu; no second COUNT.
        paginator.count = counts[slug]  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    plans = list(SupportPlan.objects.all())
    attach(page.object_list, "plan", plans)
    page_query = urlencode({"cola": slug, **filters})
    agents = [(agent.pk, str(agent)) for agent in staff_queryset()]
    return render(
        request,
        "tickets/console/queue.html",
        {
            "page": page,
            "queues": [(queue, counts.get(queue.slug)) for queue in QUEUES],
            "counts": counts,
            "current": slug,
            "filters": filters,
            "page_query": page_query,
            "saved_filters": SavedFilter.objects.filter(owner=user),
            "bulk_actions": BULK_ACTIONS,
            "save_form": SavedFilterForm(initial={"query": page_query}),
            # (value, label) pairs, rendered by the ``options`` tag.
            "choices": {
                "agents": agents,
                "assignees": [("none", _("Nobody")), *agents],
                "status": Ticket.Status.choices,
                "impacts": Impact.choices[::-1],  # high first
                "case_types": [(ct.code, ct.name) for ct in CaseType.objects.all()],
                "plans": [(plan.level, plan.name) for plan in plans],
                "departments": [(d.code, d.name) for d in Department.objects.all()],
                "channels": Ticket.Channel.choices,
            },
            "now": timezone.now(),
        },
    )


def _ticket_context(request: HttpRequest, ticket: Ticket, **forms: object) -> dict[str, object]:
    now = timezone.now()
    conversation = ticket.messages.select_related("author").prefetch_related(
        "attachments", "inbound_emails"
    )
    events = ticket.events.select_related("actor")
    timeline = sorted(
        [("message", m.created_at, m) for m in conversation] + [("event", e.at, e) for e in events],
        key=lambda item: item[1],
    )
    other_open = []
    if ticket.organisation_id:
        other_open = list(
            tickets_for_agent(request.user)  # type: ignore[arg-type]
            .filter(organisation_id=ticket.organisation_id, status__in=Ticket.OPEN_STATUSES)
            .exclude(pk=ticket.pk)
            .order_by("-created_at")[:10]
        )
    services = []
    if ticket.organisation_id:
        services = list(ticket.organisation.services.select_related("plan").order_by("name"))  # type: ignore[union-attr]
    first_message = next((m for m in conversation if not m.from_staff), None)
    suggested = suggest_articles(
        f"{ticket.subject} {first_message.body if first_message else ''}"[:500],
        user=request.user,
        language=ticket.requester.preferred_language,
        limit=3,
        case_type=getattr(ticket.case_type, "code", None),
    )
    initial_body = ""
    article_id = request.GET.get("article", "")
    if article_id.isdigit():
        hit = next((h for h in suggested if h.article.pk == int(article_id)), None)
        if hit is not None:
            initial_body = (
                f"{hit.article.title}: {settings.SITE_URL}{hit.article.get_absolute_url()}"
            )
    canned_id = request.GET.get("canned", "")
    if canned_id.isdigit():
        canned = canned_replies_for(ticket).filter(pk=int(canned_id)).first()
        if canned is not None:
            initial_body = fill_placeholders(canned, ticket)
    tags = ", ".join(ticket.tags.values_list("name", flat=True))
    return {
        "ticket": ticket,
        "timeline": timeline,
        "other_open": other_open,
        "services": services,
        "canned_replies": canned_replies_for(ticket),
        "suggested_articles": suggested,
        "reply_form": forms.get("reply_form") or AgentReplyForm(initial={"body": initial_body}),
        "fields_form": forms.get("fields_form")
        or TicketFieldsForm(
            initial={
                "status": ticket.status,
                "impact": ticket.impact,
                "case_type": ticket.case_type_id,
                "department": ticket.department_id,
                "assignee": ticket.assignee_id,
                "tags": tags,
            }
        ),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "now": now,
        "time_left": time_left(ticket, now=now),
    }


def fill_placeholders(canned: CannedReply, ticket: Ticket) -> str:
    language = ticket.requester.preferred_language
    return (
        canned.body(language)
        .replace("{customer_name}", ticket.requester.get_short_name())
        .replace("{case_number}", ticket.display_number)
    )


@login_required
@console_access
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_agent(request.user, number)  # type: ignore[arg-type]
    return render(request, "tickets/console/ticket.html", _ticket_context(request, ticket))


@require_POST
@login_required
@console_access
def reply(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_agent(request.user, number)  # type: ignore[arg-type]
    form = AgentReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            add_message(
                ticket,
                author=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                kind=form.cleaned_data["kind"],
                from_staff=True,
                uploads=form.cleaned_data["attachments"],
                status_after=form.cleaned_data["status_after"] or None,
                channel=Ticket.Channel.PORTAL,
                now=timezone.now(),
            )
        except TicketError as error:
            messages.error(request, str(error))
        else:
            if form.cleaned_data["kind"] == Message.Kind.NOTE:
                messages.success(request, _("Internal note added."))
            else:
                messages.success(request, _("Reply sent to the customer."))
            return redirect("console:ticket", number=ticket.number)
    return render(
        request,
        "tickets/console/ticket.html",
        _ticket_context(request, ticket, reply_form=form),
        status=400,
    )


@require_POST
@login_required
@console_access
def change(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_agent(request.user, number)  # type: ignore[arg-type]
    form = TicketFieldsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        current = set(ticket.tags.values_list("name", flat=True))
        try:
            update_ticket(
                ticket,
                acting_user=request.user,  # type: ignore[arg-type]
                now=timezone.now(),
                status=data["status"],
                impact=data["impact"],
                case_type=data["case_type"],
                department=data["department"],
                assignee=data["assignee"],
                add_tags=sorted(set(data["tags"]) - current),
                remove_tags=sorted(current - set(data["tags"])),
            )
        except TicketError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Case updated."))
            return redirect("console:ticket", number=ticket.number)
    return render(
        request,
        "tickets/console/ticket.html",
        _ticket_context(request, ticket, fields_form=form),
        status=400,
    )


@require_POST
@login_required
@console_access
def merge(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_agent(request.user, number)  # type: ignore[arg-type]
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            target = get_ticket_for_agent(request.user, form.cleaned_data["into"])  # type: ignore[arg-type]
            merge_ticket(ticket, into=target, acting_user=request.user, now=timezone.now())  # type: ignore[arg-type]
        except TicketError as error:
            form.add_error("into", str(error))
        except Http404:
            form.add_error("into", _("There is no case with that number."))
        else:
            messages.success(
                request,
                _("Case %(source)s was merged into this one.") % {"source": ticket.display_number},
            )
            return redirect("console:ticket", number=target.number)
    return render(
        request,
        "tickets/console/ticket.html",
        _ticket_context(request, ticket, merge_form=form),
        status=400,
    )


@require_http_methods(["GET", "POST"])
@login_required
@console_access
def presence(request: HttpRequest, number: str) -> HttpResponse:
    """Report this agent on the ticket and show who else is there.

    The page posts its reply box every few seconds; text in it means the
    agent is writing a reply.
    """
    user: User = request.user  # type: ignore[assignment]
    ticket = get_ticket_for_agent(user, number)
    data = request.POST if request.method == "POST" else request.GET
    others = report_presence(
        ticket.pk,
        user_id=user.pk,
        name=str(user),
        replying=bool(data.get("body", "").strip()) or data.get("replying") == "1",
        now=timezone.now(),
    )
    return render(request, "tickets/console/_presence.html", {"others": others, "ticket": ticket})


@require_POST
@login_required
@console_access
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    numbers = request.POST.getlist("numbers")[:100]
    back = request.POST.get("back", "")
    target = redirect(f"{_queue_url()}?{back}" if back else _queue_url())
    if not numbers or not form.is_valid():
        messages.error(request, _("Choose at least one case and an action."))
        return target
    tickets = list(
        tickets_for_agent(request.user).filter(number__in=numbers).order_by("created_at")  # type: ignore[arg-type]
    )
    data, now, user = form.cleaned_data, timezone.now(), request.user
    try:
        with transaction.atomic():
            # All or nothing: one closed case stops the whole batch.
            if data["action"] == "merge":
                for ticket in tickets[1:]:
                    merge_ticket(ticket, into=tickets[0], acting_user=user, now=now)  # type: ignore[arg-type]
            else:
                for ticket in tickets:
                    if data["action"] == "assign":
                        update_ticket(ticket, acting_user=user, now=now, assignee=data["assignee"])  # type: ignore[arg-type]
                    elif data["action"] == "status" and data["status"]:
                        update_ticket(ticket, acting_user=user, now=now, status=data["status"])  # type: ignore[arg-type]
                    elif data["action"] == "tag" and data["tag"]:
                        update_ticket(ticket, acting_user=user, now=now, add_tags=[data["tag"]])  # type: ignore[arg-type]
    except TicketError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(n)d case updated.", "%(n)d cases updated.", len(tickets))
            % {"n": len(tickets)},
        )
    return target


def _queue_url() -> str:
    return reverse("console:queue")


@require_POST
@login_required
@console_access
def save_filter(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SavedFilterForm(request.POST)
    if form.is_valid():
        SavedFilter.objects.update_or_create(
            owner=user,
            name=form.cleaned_data["name"],
            defaults={"query": form.cleaned_data["query"]},
        )
        messages.success(request, _("Filter saved."))
        return redirect(f"{_queue_url()}?{form.cleaned_data['query']}")
    messages.error(request, _("Give the filter a name."))
    return redirect(_queue_url())
