"""Figures for the supervisors' reports page; every one an aggregate query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F

from atiende.chat.models import Conversation
from atiende.kb.deflection import Deflection, deflection
from atiende.sla.models import SlaAlert
from atiende.tickets.models import Ticket


@dataclass(frozen=True)
class Overview:
    since: datetime
    until: datetime
    opened_by_impact: dict[str, int]
    opened_by_channel: dict[str, int]
    breaches_by_target: dict[str, int]
    first_responses_met: int
    first_responses_answered: int
    deflection: Deflection
    chat: ChatFigures


@dataclass(frozen=True)
class ChatFigures:
    started_by_kind: dict[str, int]
    answered: int
    unanswered: int  # ended or still waiting without an agent
    average_wait: timedelta | None  # from the first message to an agent taking it


def overview(*, since: datetime, until: datetime) -> Overview:
    opened = Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
    by_impact = dict(opened.values_list("impact").annotate(n=Count("pk")).order_by())
    by_channel = dict(opened.values_list("channel").annotate(n=Count("pk")).order_by())
    breaches = dict(
        SlaAlert.objects.filter(kind=SlaAlert.Kind.BREACH, at__gte=since, at__lt=until)
        .values_list("target")
        .annotate(n=Count("pk"))
        .order_by()
    )
    answered = opened.filter(first_response_at__isnull=False)
    met = answered.exclude(first_response_due__isnull=True).filter(
        first_response_at__lte=F("first_response_due")
    )
    return Overview(
        since=since,
        until=until,
        opened_by_impact=by_impact,
        opened_by_channel=by_channel,
        breaches_by_target=breaches,
        first_responses_met=met.count(),
        first_responses_answered=answered.count(),
        deflection=deflection(since=since, until=until),
        chat=chat_figures(since=since, until=until),
    )


def chat_figures(*, since: datetime, until: datetime) -> ChatFigures:
    started = Conversation.objects.filter(started_at__gte=since, started_at__lt=until)
    by_kind = dict(started.values_list("kind").annotate(n=Count("pk")).order_by())
    answered = started.filter(accepted_at__isnull=False)
    wait = answered.aggregate(
        wait=Avg(
            ExpressionWrapper(F("accepted_at") - F("started_at"), output_field=DurationField())
        )
    )["wait"]
    answered_count = answered.count()
    return ChatFigures(
        started_by_kind=by_kind,
        answered=answered_count,
        unanswered=sum(by_kind.values()) - answered_count,
        average_wait=wait,
    )
