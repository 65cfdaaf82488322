"""Atiende's REST API (django-ninja; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every endpoint acts as the person the token (or session) belongs to and
fetches through the same permission functions as the pages: a customer only
reaches their organisations' cases, an agent the departments they may see.
Changes go through the same domain functions, so events, SLA clocks,
triage and notifications behave exactly as in the client area and console.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AuthRateThrottle

from atiende.accounts.middleware import activate_preferences
from atiende.accounts.models import Department, Organisation, User
from atiende.accounts.roles import is_staff_member, roles_of
from atiende.api import schemas
from atiende.api.representations import RELATED, message_out, ticket_out
from atiende.api.tokens import user_for_token
from atiende.kb.search import search_articles
from atiende.services.models import Impact
from atiende.tickets.actions import (
    TicketClosed,
    TicketError,
    add_message,
    update_ticket,
)
from atiende.tickets.forms import NewTicketForm, staff_queryset
from atiende.tickets.models import Message, Ticket
from atiende.tickets.permissions import (
    get_ticket_for_agent,
    get_ticket_for_customer,
    tickets_for_agent,
)
from atiende.tickets.queries import QUEUES_BY_SLUG, agent_queue, customer_tickets
from atiende.triage.models import CaseType

MAX_PAGE_SIZE = 100


class TokenAuth(HttpBearer):
    """``Authorization: Bearer atd_…``, a personal token from /cuenta/api/."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token, now=timezone.now())
        if user is not None:
            request.user = user
            activate_preferences(request, user)
        return user


class BrowserSession(SessionAuth):
    """The logged-in browser session (CSRF token required for changes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class PerUserThrottle(AuthRateThrottle):
    """``ATIENDE_API_RATE`` requests per user (per address when anonymous)."""

    def get_cache_key(self, request: HttpRequest) -> str:
        user = getattr(request, "auth", None)
        ident = f"user-{user.pk}" if isinstance(user, User) else self.get_ident(request)
        return self.cache_format % {"scope": "api", "ident": ident}


def anyone(request: HttpRequest) -> object:
    """No token needed: anonymous callers read what the public may read."""
    return request.user


api = NinjaAPI(
    title="Atiende API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSession()],
    throttle=[PerUserThrottle(settings.ATIENDE_API_RATE)],
    description=(
        "Cases, conversations and the knowledge base, as the person the token "
        'belongs to. Errors come as `{"detail": …}` in the caller\'s language.'
    ),
)


# --- Errors in the caller's language --------------------------------------------


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = str(exc) or _("You do not have permission to do this.")
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Authentication required: send a valid API token or log in.")},
        status=401,
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(
        request, {"detail": _("Too many requests; try again in a moment.")}, status=429
    )
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # ("body", "payload", "subject") → "subject"; ("query", "page") → "page"
        parts = [str(part) for part in error.get("loc", ())[1:]]
        if parts and parts[0] == "payload":
            parts = parts[1:]
        field = ".".join(parts) or "__all__"
        errors.setdefault(field, []).append(_validation_message(error))
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": errors}, status=422
    )


def _validation_message(error: dict[str, Any]) -> str:
    """Pydantic's message for a value, in the caller's language where we know it."""
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_type", "int_type", "int_parsing", "bool_type", "bool_parsing", "list_type"):
        return _("This value has the wrong type.")
    if kind == "string_too_long":
        return _("At most %(max)s characters.") % {"max": context.get("max_length")}
    if kind == "string_too_short":
        return _("At least %(min)s characters.") % {"min": context.get("min_length")}
    if kind in ("greater_than_equal", "less_than_equal"):
        return _("This number is out of range.")
    return str(error.get("msg", ""))


def form_errors(errors: dict[str, list[str]]) -> HttpError:
    error = HttpError(422, _("The request is not valid."))
    error.errors = errors  # type: ignore[attr-defined]
    return error


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body: dict[str, Any] = {"detail": str(exc)}
    if hasattr(exc, "errors"):
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status_code)


# --- Output ---------------------------------------------------------------------


def _staff(user: User) -> bool:
    return is_staff_member(user)


def _ticket(user: User, number: str) -> Ticket:
    if _staff(user):
        return get_ticket_for_agent(user, number)
    return get_ticket_for_customer(user, number)


# --- Endpoints ------------------------------------------------------------------


@api.get("/me", response=schemas.Me, summary="Who the token belongs to")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "email": user.email,
        "name": str(user),
        "language": user.language,
        "staff": _staff(user),
        "roles": sorted(role.value for role in roles_of(user)),
        "organisations": [
            {"id": o.pk, "name": o.name}
            for o in Organisation.objects.filter(memberships__user=user).order_by("name")
        ],
    }


@api.get("/tickets", response=schemas.TicketPage, summary="Cases the caller may see")
def list_tickets(
    request: HttpRequest,
    state: str = Query("open", description="open, closed or all (customers)"),
    queue: str = Query("open", description="Staff: a console queue, e.g. unassigned, mine"),
    q: str = Query("", description="Case number or words", max_length=100),
    page: int = Query(1, ge=1),
    per_page: int = Query(25, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    staff = _staff(user)
    if staff:
        if queue not in QUEUES_BY_SLUG:
            raise form_errors({"queue": [_("Unknown queue.")]})
        tickets = agent_queue(user, queue, {"q": q} if q else {})
    else:
        if state not in ("open", "closed", "all"):
            raise form_errors({"state": [_("Use open, closed or all.")]})
        tickets = customer_tickets(user, state=state, query=q)
    paginator = Paginator(tickets.select_related(*RELATED), per_page)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [ticket_out(t, staff=staff) for t in current],
    }


@api.get(
    "/tickets/{number}", response=schemas.TicketDetail, summary="One case and its conversation"
)
def get_ticket(request: HttpRequest, number: str) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    staff = _staff(user)
    ticket = _ticket(user, number)
    messages = ticket.messages.select_related("author").prefetch_related("attachments")
    if not staff:
        messages = messages.filter(kind__in=Message.PUBLIC_KINDS)
    return {**ticket_out(ticket, staff=staff), "messages": [message_out(m) for m in messages]}


def _by_code(
    model: type[Department] | type[CaseType], code: str, field: str, errors: dict[str, list[str]]
) -> Department | CaseType | None:
    """The row with that code; else None, and the field's error added to ``errors``."""
    found = model.objects.filter(code=code).first()
    if found is None:
        errors[field] = [_("Unknown code: %(code)s") % {"code": code}]
    return found


def _pk_for(model: type[Department] | type[CaseType], code: str | None, field: str) -> str:
    if not code:
        return ""
    errors: dict[str, list[str]] = {}
    found = _by_code(model, code, field, errors)
    if found is None:
        raise form_errors(errors)
    return str(found.pk)


def _read_only() -> HttpError:
    return HttpError(409, _("This case is closed; it can no longer change."))


@api.post(
    "/tickets",
    response={201: schemas.TicketOut, 422: schemas.FormErrors},
    summary="Open a case (customers)",
)
def create_ticket(request: HttpRequest, payload: schemas.TicketIn) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    if _staff(user):
        raise PermissionDenied(
            _("Staff open cases for customers from the phone desk or by email, not the API.")
        )
    organisations = list(
        Organisation.objects.filter(memberships__user=user).values_list("pk", flat=True)
    )
    organisation = payload.organisation
    if organisation is None and len(organisations) == 1:
        organisation = organisations[0]
    form = NewTicketForm(
        {
            "organisation": organisation or "",
            "service": payload.service or "",
            "department": _pk_for(Department, payload.department, "department"),
            "case_type": _pk_for(CaseType, payload.case_type, "case_type"),
            "subject": payload.subject,
            "body": payload.body,
        },
        user=user,
    )
    if not form.is_valid():
        raise form_errors(
            {field: [str(e) for e in errors] for field, errors in form.errors.items()}
        )
    try:
        ticket = form.open_ticket(user, channel=Ticket.Channel.API, now=timezone.now())
    except TicketError as error:
        raise form_errors({"__all__": [str(error)]}) from None
    return Status(201, ticket_out(ticket, staff=False))


@api.post(
    "/tickets/{number}/messages",
    response={201: schemas.MessageOut, 409: schemas.Detail, 422: schemas.FormErrors},
    summary="Reply, or (staff) add an internal note",
)
def post_message(
    request: HttpRequest, number: str, payload: schemas.MessageIn
) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    staff = _staff(user)
    ticket = _ticket(user, number)
    if not payload.body.strip():
        raise form_errors({"body": [_("Write a message.")]})
    if payload.internal and not staff:
        raise PermissionDenied(_("Only staff can write internal notes."))
    try:
        message = add_message(
            ticket,
            author=user,
            body=payload.body,
            from_staff=staff,
            now=timezone.now(),
            kind=Message.Kind.NOTE if payload.internal else Message.Kind.REPLY,
            channel=Ticket.Channel.API,
        )
    except TicketClosed:
        raise _read_only() from None
    return Status(201, message_out(message))


@api.patch(
    "/tickets/{number}",
    response={200: schemas.TicketOut, 409: schemas.Detail, 422: schemas.FormErrors},
    summary="Change status, impact, case type, department, assignee or tags (staff)",
)
def change_ticket(
    request: HttpRequest, number: str, payload: schemas.TicketChange
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    if not _staff(user):
        raise PermissionDenied(_("Only staff can change a case's fields."))
    ticket = get_ticket_for_agent(user, number)
    changes: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if payload.status is not None:
        if payload.status in Ticket.Status.values:
            changes["status"] = payload.status
        else:
            errors["status"] = [_("Unknown status.")]
    if payload.impact is not None:
        if payload.impact in Impact.values:
            changes["impact"] = payload.impact
        else:
            errors["impact"] = [_("Unknown impact.")]
    if payload.case_type is not None:
        changes["case_type"] = _by_code(CaseType, payload.case_type, "case_type", errors)
    if payload.department is not None:
        changes["department"] = _by_code(Department, payload.department, "department", errors)
    if payload.assignee is not None:
        if payload.assignee == "":
            changes["assignee"] = None
        else:
            changes["assignee"] = staff_queryset().filter(email__iexact=payload.assignee).first()
            if changes["assignee"] is None:
                errors["assignee"] = [_("No agent has that email.")]
    if errors:
        raise form_errors(errors)
    try:
        with transaction.atomic():
            ticket = update_ticket(
                ticket,
                acting_user=user,
                now=timezone.now(),
                add_tags=[t.strip() for t in payload.add_tags if t.strip()],
                remove_tags=[t.strip() for t in payload.remove_tags if t.strip()],
                **changes,
            )
    except TicketClosed:
        raise _read_only() from None
    fresh = tickets_for_agent(user).select_related(*RELATED).get(pk=ticket.pk)
    return ticket_out(fresh, staff=True)


@api.get(
    "/kb/search",
    response=list[schemas.ArticleHit],
    summary="Search the knowledge base (what the caller may read)",
    auth=[TokenAuth(), BrowserSession(), anyone],
)
def kb_search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=200),
    language: str = Query("", description="es or en; default: the caller's"),
    limit: int = Query(10, ge=1, le=50),
) -> list[dict[str, Any]]:
    reader_language = language if language in dict(settings.LANGUAGES) else request.LANGUAGE_CODE
    hits = search_articles(q, user=request.user, language=reader_language, limit=limit)
    return [
        {
            "title": hit.article.title,
            "url": hit.article.get_absolute_url(),
            "language": hit.article.language,
            "snippet": hit.snippet,
        }
        for hit in hits
    ]
