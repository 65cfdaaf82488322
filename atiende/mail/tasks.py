"""Background work of the email channel, run by ``atiende worker``."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from atiende.mail import outbound
from atiende.mail.imap import poll_mailbox
from atiende.mail.inbound import process_stuck
from atiende.mail.models import InboundEmail, Mailbox

Audience = outbound.Audience


def poll_interval() -> timedelta:
    """How often the worker's scheduler enqueues the mailbox polls."""
    return timedelta(seconds=settings.ATIENDE_MAIL_POLL_SECONDS)


@task
def poll_mailboxes_task() -> int:
    """Enqueue one poll per IMAP mailbox, so one slow mailbox never delays the others."""
    mailbox_ids = list(
        Mailbox.objects.filter(is_active=True).exclude(imap_host="").values_list("pk", flat=True)
    )
    for mailbox_id in mailbox_ids:
        poll_mailbox_task.enqueue(mailbox_id)
    # Messages stored by a process that died before acting on them.
    process_stuck(now=timezone.now())
    return len(mailbox_ids)


@task
def poll_mailbox_task(mailbox_id: int) -> str:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None:
        return "gone"
    return poll_mailbox(mailbox, now=timezone.now()).summary()


@task
def send_refusal(inbound_id: int, batch: str = "", attempt: int = 1) -> int:
    """Tell an unknown sender, politely and once in a while, that we did not open a case."""
    batch = batch or outbound.new_batch()
    inbound = InboundEmail.objects.get(pk=inbound_id)
    now = timezone.now()
    if not outbound.auto_reply_allowed(inbound.from_address, inbound=inbound, now=now):
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "subject": inbound.subject,
            "company_name": settings.ATIENDE_COMPANY_NAME,
            "url": settings.SITE_URL + reverse("account_login"),
        }
        subject = " ".join(render_to_string("mail/email/refused_subject.txt", context).split())
        text = render_to_string("mail/email/refused_body.txt", context)
        html = render_to_string(
            "mail/email/notification.html",
            {"subject": subject, "text": text, "company_name": settings.ATIENDE_COMPANY_NAME},
        )
    headers = {"Auto-Submitted": "auto-replied"}
    if inbound.message_id:
        headers["In-Reply-To"] = headers["References"] = f"<{inbound.message_id}>"
    mail = outbound.compose(
        subject=subject,
        text=text,
        html=html,
        to=[inbound.from_address],
        seed=f"{batch}:refused:{inbound.from_address}",
        kind="refused_sender",
        audience=Audience.SENDER,
        automatic=True,
        extra_headers=headers,
    )
    return outbound.deliver_or_retry(
        send_refusal, inbound_id, outgoing=[mail], batch=batch, attempt=attempt
    )
