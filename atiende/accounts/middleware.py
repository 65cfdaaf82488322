"""Per-user language and time zone, and two-factor enforcement for staff."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from atiende.accounts.models import User
from atiende.accounts.roles import ROLES_REQUIRING_TWO_FACTOR, roles_of
from atiende.accounts.two_factor import has_two_factor


def user_time_zone(user: object) -> zoneinfo.ZoneInfo:
    """The zone a user reads times in: their own, else the installation's."""
    name = getattr(user, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class UserPreferencesMiddleware:
    """Show pages in the logged-in user's language and time zone.

    Anonymous visitors get the language negotiated by LocaleMiddleware (cookie,
    then browser) and the installation's time zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            activate_preferences(request, user)  # type: ignore[arg-type]
        else:
            timezone.deactivate()
        return self.get_response(request)


def activate_preferences(request: HttpRequest, user: User) -> None:
    """The user's language and time zone for the rest of the request.

    Also called by the API once a token says who is calling.
    """
    # Roles are asked several times per request (two-factor rule, console
    # access, which tickets); one query for the groups serves them all.
    # Adding or removing a group through the manager drops this cache.
    prefetch_related_objects([user], "groups")
    language = getattr(user, "language", "")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
    timezone.activate(user_time_zone(user))


class RequireStaffTwoFactorMiddleware:
    """Administrators must set up TOTP before they can do anything else.

    Until they do, every page except the two-factor set-up, logout and static
    files redirects them to the set-up page.
    """

    ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and roles_of(user) & ROLES_REQUIRING_TWO_FACTOR  # type: ignore[arg-type]
            and not has_two_factor(user)  # type: ignore[arg-type]
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)
