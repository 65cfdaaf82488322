"""The phone desk: find the caller's case, log the call, open a case when the plan allows."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from atiende.accounts.models import Organisation, User
from atiende.services.entitlements import phone_check
from atiende.services.models import Channel, Service
from atiende.tickets.actions import TicketError, add_message, open_ticket, plan_for
from atiende.tickets.models import Message, Ticket
from atiende.tickets.permissions import (
    get_ticket_for_agent,
    normalise_case_number,
    tickets_for_agent,
)

console_access = permission_required("accounts.view_console", raise_exception=True)


class CallForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What was it"),
        choices=[
            (Message.Kind.CALL, gettext_lazy("Phone call")),
            (Message.Kind.REMOTE, gettext_lazy("Remote assistance session")),
        ],
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"), choices=Message.Direction.choices
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=0, max_value=24 * 60
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CallTicketForm(CallForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"), queryset=Service.objects.none(), required=False
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)

    def __init__(self, *args: object, contact: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        organisations = Organisation.objects.filter(memberships__user=contact)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.filter(organisation__in=organisations)  # type: ignore[attr-defined]


def find_callers(text: str) -> list[User]:
    """Contacts whose email or phone matches what the agent typed."""
    digits = normalise_case_number(text)
    condition = Q(email__iexact=text.strip())
    if len(digits) >= 7:
        condition |= Q(phone__contains=digits[-7:])
    return list(User.objects.filter(condition, memberships__isnull=False).distinct()[:10])


@login_required
@console_access
def desk(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    now = timezone.now()
    context: dict[str, object] = {"query": query}
    if query:
        number = normalise_case_number(query)
        if len(number) == 8 and tickets_for_agent(request.user).filter(number=number).exists():  # type: ignore[arg-type]
            return redirect("console:phone_ticket", number=number)
        callers = []
        for contact in find_callers(query):
            services = Service.objects.filter(
                organisation__memberships__user=contact
            ).select_related("plan")
            best = max(
                (s.plan for s in services if s.status == Service.Status.ACTIVE),
                key=lambda p: p.level,
                default=None,
            )
            check = phone_check(best, has_case=False, now=now) if best else None
            callers.append(
                {
                    "contact": contact,
                    "tickets": tickets_for_agent(request.user)  # type: ignore[arg-type]
                    .filter(requester=contact, status__in=Ticket.OPEN_STATUSES)
                    .order_by("-created_at")[:10],
                    "plan": best,
                    "check": check,
                    "form": CallTicketForm(contact=contact)
                    if check and check.may_open_ticket
                    else None,
                }
            )
        context["callers"] = callers
    return render(request, "tickets/console/phone.html", context)


def _phone_context(
    request: HttpRequest, ticket: Ticket, form: CallForm | None = None
) -> dict[str, object]:
    now = timezone.now()
    return {
        "ticket": ticket,
        "phone": phone_check(ticket.plan, has_case=True, now=now),
        "remote": phone_check(ticket.plan, has_case=True, now=now, channel=Channel.REMOTE),
        "form": form or CallForm(initial={"direction": Message.Direction.INBOUND}),
    }


@login_required
@console_access
def phone_ticket(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket_for_agent(request.user, number)  # type: ignore[arg-type]
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_message(
                ticket,
                author=request.user,  # type: ignore[arg-type]
                body=data["summary"],
                kind=data["kind"],
                from_staff=True,
                channel=Ticket.Channel.PHONE,
                direction=data["direction"],
                duration=timedelta(minutes=data["minutes"]),
                now=timezone.now(),
            )
        except TicketError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Call logged on case %(number)s.") % {"number": ticket.display_number}
            )
            return redirect("console:ticket", number=ticket.number)
    return render(
        request, "tickets/console/phone_ticket.html", _phone_context(request, ticket, form)
    )


@require_POST
@login_required
@console_access
def phone_new_ticket(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = User.objects.filter(pk=contact_id, memberships__isnull=False).distinct().first()
    if contact is None:
        messages.error(request, _("There is no customer contact with that id."))
        return redirect("console:phone")
    form = CallTicketForm(request.POST, contact=contact)
    back = f"{reverse('console:phone')}?{urlencode({'q': contact.email})}"
    if not form.is_valid():
        messages.error(request, _("Please complete the call details."))
        return redirect(back)
    data = form.cleaned_data
    now = timezone.now()
    plan = plan_for(data["organisation"], data["service"])
    check = phone_check(plan, has_case=False, now=now)
    if not check.may_open_ticket:
        for warning in check.warnings:
            messages.error(request, warning)
        messages.error(
            request,
            _(
                "This customer's plan does not allow opening a case by phone; "
                "ask them to open a ticket."
            ),
        )
        return redirect(back)
    ticket = open_ticket(
        requester=contact,
        organisation=data["organisation"],
        service=data["service"],
        subject=data["subject"],
        body=data["summary"],
        channel=Ticket.Channel.PHONE,
        acting_user=request.user,  # type: ignore[arg-type]
        now=now,
    )
    add_message(
        ticket,
        author=request.user,  # type: ignore[arg-type]
        body=data["summary"],
        kind=data["kind"],
        from_staff=True,
        channel=Ticket.Channel.PHONE,
        direction=data["direction"],
        duration=timedelta(minutes=data["minutes"]),
        now=now,
    )
    messages.success(
        request, _("Case %(number)s opened from the call.") % {"number": ticket.display_number}
    )
    return redirect("console:ticket", number=ticket.number)
