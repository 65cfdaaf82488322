"""``{% chat_widget %}``: the live-chat bubble on the help center and the client area."""

from __future__ import annotations

from typing import Any

from django import template
from django.middleware.csrf import get_token

from atiende.accounts.roles import is_staff_member
from atiende.chat.views import widget_strings

register = template.Library()

# Agents have their desk; administration pages need no bubble.
NO_BUBBLE = ("/consola/", "/admin/", "/accounts/", "/api/")


@register.inclusion_tag("chat/_widget.html", takes_context=True)
def chat_widget(context: template.Context, open_now: bool = False) -> dict[str, Any]:
    request = context.get("request")
    if request is None or request.path.startswith(NO_BUBBLE):
        return {"show": False}
    user = request.user
    if user.is_authenticated and is_staff_member(user):
        return {"show": False}
    return {
        "show": True,
        "open_now": open_now,
        "csrf": get_token(request),
        "logged_in": user.is_authenticated,
        "strings": widget_strings(),
    }
