"""The public help center: welcome, the two steps, case types and support plans."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from atiende.helpcenter.queries import plans_for_comparison
from atiende.kb.search import reader_language, search_articles
from atiende.services.models import Channel, Impact


def _impact_order(target: object) -> int:
    return list(Impact.values).index(target.impact)  # type: ignore[attr-defined]


def _plan_rows(plans: list) -> list[dict[str, object]]:
    """Per plan: which channels (in Channel order) and targets (low → high)."""
    rows = []
    for plan in plans:
        by_channel = {pc.channel: pc for pc in plan.channels.all()}
        rows.append(
            {
                "plan": plan,
                "channels": [(channel, by_channel.get(channel.value)) for channel in Channel],
                "targets": sorted(plan.targets.all(), key=_impact_order),
            }
        )
    return rows


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "helpcenter/home.html", {"plan_rows": _plan_rows(list(plans_for_comparison()))}
    )


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    return render(
        request, "helpcenter/plans.html", {"plan_rows": _plan_rows(list(plans_for_comparison()))}
    )


@require_GET
def plan_detail(request: HttpRequest, level: int) -> HttpResponse:
    rows = _plan_rows(list(plans_for_comparison().filter(level=level)))
    if not rows:
        raise Http404
    return render(request, "helpcenter/plan_detail.html", {"row": rows[0], "plan": rows[0]["plan"]})


@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """Knowledge-base search; with htmx, only the results (search as you type)."""
    # Unstripped for the search: a trailing space tells it the last word is complete.
    raw_query = request.GET.get("q", "").lstrip()[:200]
    query = raw_query.strip()
    hits = (
        search_articles(raw_query, user=request.user, language=reader_language(), limit=10)
        if query
        else []
    )
    context = {"query": query, "hits": hits, "language": reader_language()}
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "helpcenter/search.html#results" if partial else "helpcenter/search.html"
    return render(request, template, context)


@require_GET
def sales_chat(request: HttpRequest) -> HttpResponse:
    # "Chatear con ventas": the chat opened on arrival (the bubble is on every page).
    return render(request, "helpcenter/sales_chat.html")
