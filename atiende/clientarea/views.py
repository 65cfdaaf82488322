"""The client area: a contact's organisations, services and what their plans entitle them to."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atiende.accounts.forms import InviteForm
from atiende.accounts.invitations import invite_colleague
from atiende.accounts.models import Membership, User
from atiende.accounts.permissions import (
    get_membership_for_org_admin,
    get_organisation_for_contact,
    organisations_for_contact,
)
from atiende.services.entitlements import ChannelAvailability, channel_availability
from atiende.services.models import Service, SupportPlan
from atiende.services.permissions import get_service_for_contact
from atiende.services.queries import services_for_contact
from atiende.sla.calendars import business_calendar
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import tickets_for_customer


def _entitlements_by_plan(
    services: list[Service], *, now: datetime
) -> dict[int, list[ChannelAvailability]]:
    """Each distinct plan's channels at ``now``, computed once per plan."""
    plans: dict[int, SupportPlan] = {service.plan_id: service.plan for service in services}
    return {
        plan_id: channel_availability(
            plan,
            now=now,
            calendar=business_calendar(plan.calendar, around=now),
            plan_channels=plan.channels.all(),
        )
        for plan_id, plan in plans.items()
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    services = list(services_for_contact(user).order_by("organisation__name", "name"))
    entitlements = _entitlements_by_plan(services, now=now)
    organisations = list(organisations_for_contact(user))
    by_org = {
        org_id: list(group) for org_id, group in groupby(services, key=lambda s: s.organisation_id)
    }
    admin_of = set(
        Membership.objects.filter(user=user, is_admin=True).values_list(
            "organisation_id", flat=True
        )
    )
    sections = [
        {
            "organisation": org,
            "is_admin": org.pk in admin_of,
            "services": [(s, entitlements[s.plan_id]) for s in by_org.get(org.pk, [])],
        }
        for org in organisations
    ]
    open_tickets = (
        tickets_for_customer(request.user)  # type: ignore[arg-type]
        .filter(status__in=Ticket.OPEN_STATUSES)
        .count()
    )
    return render(
        request,
        "clientarea/dashboard.html",
        {"sections": sections, "now": now, "open_tickets": open_tickets},
    )


@login_required
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    now = timezone.now()
    service = get_service_for_contact(request.user, service_id)  # type: ignore[arg-type]
    channels = _entitlements_by_plan([service], now=now)[service.plan_id]
    return render(
        request,
        "clientarea/service_detail.html",
        {"service": service, "channels": channels, "now": now},
    )


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for_contact(request.user, organisation_id)  # type: ignore[arg-type]
    memberships = organisation.memberships.select_related("user").order_by("user__email")
    is_admin = any(m.user_id == request.user.pk and m.is_admin for m in memberships)
    return render(
        request,
        "clientarea/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "is_admin": is_admin,
            "form": InviteForm() if is_admin else None,
        },
    )


@require_POST
@login_required
def invite(request: HttpRequest, organisation_id: int) -> HttpResponse:
    membership = get_membership_for_org_admin(request.user, organisation_id)  # type: ignore[arg-type]
    form = InviteForm(request.POST)
    if form.is_valid():
        invite_colleague(
            membership.organisation,
            email=form.cleaned_data["email"],
            as_admin=form.cleaned_data["as_admin"],
            acting_user=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
        )
        messages.success(
            request,
            _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("clientarea:organisation", organisation_id=organisation_id)
    organisation = membership.organisation
    return render(
        request,
        "clientarea/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by("user__email"),
            "is_admin": True,
            "form": form,
        },
        status=400,
    )
