"""Automatic mail to staff about a case (alerts, escalations), in their language and zone."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from atiende.accounts.middleware import user_time_zone
from atiende.accounts.models import User


def send_to_staff(people: Iterable[User], template: str, context: dict[str, object]) -> int:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` per person and send.

    People without an address are passed over. Returns how many mails went out.
    """
    sent = 0
    for person in people:
        if not person.email:
            continue
        with (
            translation.override(person.preferred_language),
            timezone.override(user_time_zone(person)),
        ):
            full = {**context, "recipient": person}
            subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
            body = render_to_string(f"{template}_body.txt", full)
        EmailMessage(
            subject, body, to=[person.email], headers={"Auto-Submitted": "auto-generated"}
        ).send()
        sent += 1
    return sent
