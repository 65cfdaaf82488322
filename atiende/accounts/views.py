"""Where a user lands after login, their preferences, language, and invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atiende.accounts.forms import AcceptInvitationForm, PreferencesForm
from atiende.accounts.invitations import InvitationError, accept_invitation, find_invitation
from atiende.accounts.roles import is_staff_member


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff go to the console, customers to the client area."""
    if is_staff_member(request.user):  # type: ignore[arg-type]
        return redirect("console:home")
    return redirect("clientarea:dashboard")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account when logged in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        if request.user.is_authenticated:
            request.user.language = language  # type: ignore[union-attr]
            request.user.save(update_fields=["language"])  # type: ignore[union-attr]
    return response


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(form.instance.language)
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation from an invitation link."""
    now = timezone.now()
    try:
        invitation = find_invitation(token, now=now)
    except InvitationError as error:
        return render(request, "accounts/invitation_invalid.html", {"error": error}, status=404)
    user = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            member = accept_invitation(
                invitation,
                user=user,  # type: ignore[arg-type]
                full_name=form.cleaned_data.get("full_name", "") if user is None else "",
                password=form.cleaned_data.get("password1") if user is None else None,
                now=now,
            )
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            if user is None:
                login(request, member, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("You are now a contact of %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect("clientarea:dashboard")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "logged_in_user": user},
    )
