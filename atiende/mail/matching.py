"""Which case an incoming email continues, if any.

In order:

1. One of OUR Message-IDs in In-Reply-To/References: the customer (or an
   agent) answered a mail we sent about that case.
2. The Message-ID of an email that already became part of a case, but only
   when this mail comes from the same sender or from someone that sender
   copied (a participant): a foreign References chain, such as replies to
   a newsletter, never merges different people's mail.
3. The case number in the subject, ``[#4829-1537]``, as our notifications write it.

Otherwise the mail opens a new case. Merged cases forward to the case they
were merged into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from atiende.mail.models import InboundEmail, OutboundEmail, Participant
from atiende.mail.parsing import ParsedEmail
from atiende.tickets.models import Ticket

CASE_TOKEN = re.compile(r"\[#\s*(\d{4})-?(\d{4})\s*\]")
OUR_MESSAGE_ID = "our-message-id"
THEIR_MESSAGE_ID = "their-message-id"
SUBJECT = "subject"


@dataclass(frozen=True)
class ThreadMatch:
    ticket: Ticket | None
    via: str = ""


def _current(ticket: Ticket) -> Ticket:
    for _hop in range(10):
        if ticket.merged_into_id is None:
            return ticket
        ticket = Ticket.objects.select_related("requester").get(pk=ticket.merged_into_id)
    return ticket


def case_number_in(subject: str) -> str:
    match = CASE_TOKEN.search(subject)
    return match.group(1) + match.group(2) if match else ""


def find_thread(parsed: ParsedEmail, *, sender: str) -> ThreadMatch:
    ids = parsed.thread_ids
    if ids:
        rank = {message_id: index for index, message_id in enumerate(ids)}
        ours = sorted(
            OutboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False).select_related(
                "ticket", "ticket__requester"
            ),
            key=lambda sent: rank[sent.message_id],
        )
        if ours:
            return ThreadMatch(_current(ours[0].ticket), OUR_MESSAGE_ID)  # type: ignore[arg-type]
        theirs = sorted(
            InboundEmail.objects.filter(
                message_id__in=ids, entry__isnull=False, dedupe_key__isnull=False
            ).select_related("entry__ticket", "entry__ticket__requester"),
            key=lambda received: rank[received.message_id],
        )
        for received in theirs:
            ticket = received.entry.ticket  # type: ignore[union-attr]
            if (
                received.from_address == sender
                or ticket.requester.email == sender
                or Participant.objects.filter(ticket=ticket, email=sender).exists()
            ):
                return ThreadMatch(_current(ticket), THEIR_MESSAGE_ID)
    number = case_number_in(parsed.subject)
    if number:
        ticket = Ticket.objects.select_related("requester").filter(number=number).first()
        if ticket is not None:
            return ThreadMatch(_current(ticket), SUBJECT)
    return ThreadMatch(None)
