"""The supervisors' reports page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from atiende.chat.models import Conversation
from atiende.reports.queries import overview
from atiende.services.models import Impact
from atiende.sla.models import SlaAlert
from atiende.tickets.models import Ticket

PERIODS = {"7": 7, "30": 30, "90": 90}


@login_required
@permission_required("accounts.view_reports", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    days = PERIODS.get(request.GET.get("dias", "30"), 30)
    until = timezone.now()
    data = overview(since=until - timedelta(days=days), until=until)
    return render(
        request,
        "reports/index.html",
        {
            "data": data,
            "days": days,
            "periods": PERIODS.values(),
            "impacts": [(i.label, data.opened_by_impact.get(i.value, 0)) for i in Impact],
            "channels": [(c.label, data.opened_by_channel.get(c.value, 0)) for c in Ticket.Channel],
            "breaches": [
                (t.label, data.breaches_by_target.get(t.value, 0)) for t in SlaAlert.Target
            ],
            "chats": [
                (k.label, data.chat.started_by_kind.get(k.value, 0)) for k in Conversation.Kind
            ],
        },
    )
