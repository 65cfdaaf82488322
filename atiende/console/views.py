"""The agent console. Tickets and queues arrive with the tickets work (issue #3);
for now agents look up customers, their services and plans."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from atiende.accounts.models import Organisation
from atiende.accounts.permissions import get_organisation_for_staff
from atiende.services.queries import services_of

console_access = permission_required("accounts.view_console", raise_exception=True)


@login_required
@console_access
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    organisations = Organisation.objects.annotate(service_count=Count("services")).order_by("name")
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(memberships__user__email__icontains=query)
        ).distinct()
    page = Paginator(organisations, settings.ATIENDE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/home.html", {"page": page, "query": query})


@login_required
@console_access
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for_staff(request.user, organisation_id)  # type: ignore[arg-type]
    return render(
        request,
        "console/organisation_detail.html",
        {
            "organisation": organisation,
            "services": services_of(organisation).order_by("name"),
            "memberships": organisation.memberships.select_related("user").order_by("user__email"),
            "now": timezone.now(),
        },
    )
