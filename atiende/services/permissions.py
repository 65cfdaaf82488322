"""Who may see which service."""

from __future__ import annotations

from django.http import Http404

from atiende.accounts.models import User
from atiende.services.models import Service
from atiende.services.queries import services_for_contact


def get_service_for_contact(user: User, service_id: int) -> Service:
    """The service if it belongs to one of the contact's organisations, else 404."""
    if not user.is_authenticated:
        raise Http404
    try:
        return services_for_contact(user).get(pk=service_id)
    except Service.DoesNotExist:
        raise Http404 from None
