"""allauth hooks: who may sign up, and which email templates speak for us."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Customers are created by the hosting company (or invited by their
        # organisation's administrator); nobody signs up on their own.
        return False
