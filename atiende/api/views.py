"""The page where a person creates and revokes their API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from atiende.accounts.models import User
from atiende.api.models import ApiToken
from atiende.api.tokens import MAX_TOKENS_PER_USER, TokenLimitReached, issue_token, revoke_token


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        max_length=80,
        help_text=gettext_lazy("For example: billing system, monitoring."),
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = NewTokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = issue_token(user, name=form.cleaned_data["name"], now=timezone.now())
        except TokenLimitReached:
            form.add_error(
                None,
                _("You have %(count)d active tokens; revoke one first.")
                % {"count": MAX_TOKENS_PER_USER},
            )
        else:
            form = NewTokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,  # shown once, on this response only
            "tokens": ApiToken.objects.filter(user=user),
        },
    )


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if revoke_token(user, token_id, now=timezone.now()):
        messages.success(
            request, _("The token was revoked; programs using it can no longer connect.")
        )
    else:
        messages.error(request, _("That token does not exist or was already revoked."))
    return redirect("api_tokens:tokens")
