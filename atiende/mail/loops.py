"""Mail that must never be answered automatically, and mail that is our own.

Two help desks (or a help desk and an out-of-office responder) answering
each other forever is the classic email loop. We recognise automatic mail by
the headers RFC 3834 and common practice define and never auto-reply to it;
our own outgoing mail carries a header and a Message-ID we recognise.
"""

from __future__ import annotations

from django.conf import settings

from atiende.mail.parsing import ParsedEmail

OUR_HEADER = "x-atiende-ticket"
_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "maildaemon")
_NO_REPLY = ("noreply", "no-reply", "donotreply", "do-not-reply", "no_reply")


def automatic_reason(parsed: ParsedEmail) -> str:
    """Why ``parsed`` must not get an automatic answer, or "" if it may."""
    headers = parsed.headers
    auto_submitted = headers.get("auto-submitted", "").split(";")[0].strip()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    if headers.get("precedence", "").strip() in ("bulk", "junk", "list", "auto_reply"):
        return "bulk"
    if "list-id" in headers or "list-unsubscribe" in headers:
        return "mailing-list"
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return "auto-submitted"
    if "all" in headers.get("x-auto-response-suppress", "") or "autoreply" in headers.get(
        "x-auto-response-suppress", ""
    ):
        return "auto-response-suppressed"
    if headers.get("return-path", "").strip() == "<>":
        return "null-sender"
    local_part = parsed.sender.email.split("@")[0] if parsed.sender else ""
    if local_part in _DAEMONS:
        return "mailer-daemon"
    if local_part in _NO_REPLY:
        return "no-reply"
    return ""


def is_out_of_office(parsed: ParsedEmail) -> bool:
    """An auto-reply to a person's mail (vacation, out of office): not a customer message."""
    auto_submitted = parsed.headers.get("auto-submitted", "").split(";")[0].strip()
    return (
        auto_submitted == "auto-replied"
        or "x-autoreply" in parsed.headers
        or "x-autorespond" in parsed.headers
        or parsed.headers.get("precedence", "").strip() == "auto_reply"
    )


def message_id_domain() -> str:
    return settings.ATIENDE_MAIL_MESSAGE_ID_DOMAIN.lower()


def looks_like_our_mail(parsed: ParsedEmail, our_addresses: set[str]) -> bool:
    """Mail we sent coming back (through a forward, a Cc to our own mailbox…).

    The registry of sent Message-IDs is the authority (checked by the
    caller); this catches the rest: our header on our Message-ID domain, or
    a sender that is one of our own addresses.
    """
    if parsed.sender is not None and parsed.sender.email in our_addresses:
        return True
    domain = parsed.message_id.rsplit("@", 1)[-1].lower() if "@" in parsed.message_id else ""
    return OUR_HEADER in parsed.headers and domain == message_id_domain()
