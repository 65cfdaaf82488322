"""Reads for the public help center."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from atiende.services.models import PlanChannel, ResponseTarget, SupportPlan


def plans_for_comparison() -> QuerySet[SupportPlan]:
    """All plans with channels and targets, in three queries whatever the number of plans."""
    return SupportPlan.objects.select_related("calendar").prefetch_related(
        Prefetch("channels", queryset=PlanChannel.objects.order_by("id")),
        Prefetch("targets", queryset=ResponseTarget.objects.order_by("id")),
    )
