"""Reads of services shared by the client area, the console and the API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from atiende.accounts.models import Organisation, User
from atiende.services.models import PlanChannel, Service
from atiende.sla.models import WorkingInterval


def services_with_plans() -> QuerySet[Service]:
    """Services with their plan, the plan's channels and its calendar's hours preloaded."""
    return Service.objects.select_related(
        "organisation", "plan", "plan__calendar"
    ).prefetch_related(
        Prefetch("plan__channels", queryset=PlanChannel.objects.order_by("id")),
        Prefetch(
            "plan__calendar__intervals",
            queryset=WorkingInterval.objects.order_by("weekday", "start"),
        ),
        "plan__calendar__special_days",
    )


def services_for_contact(user: User) -> QuerySet[Service]:
    """Every service of every organisation the contact belongs to."""
    return services_with_plans().filter(organisation__memberships__user=user)


def services_of(organisation: Organisation) -> QuerySet[Service]:
    return services_with_plans().filter(organisation=organisation)
