import itertools
from datetime import datetime, timedelta

import pytest
from django.core import mail

from atiende.accounts.tests.factories import make_contact, make_organisation, make_service
from atiende.tickets.actions import (
    ReopenWindowPassed,
    TicketClosed,
    TicketError,
    add_message,
    close_resolved_tickets,
    merge_ticket,
    open_ticket,
    reopen_by_customer,
    resolve_by_customer,
    update_ticket,
)
from atiende.tickets.models import Message, Ticket, TicketEvent
from atiende.tickets.tests.factories import (
    BOGOTA,
    NOW,
    case_type,
    department,
    make_agent,
    make_ticket,
)

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def test_case_numbers_are_eight_random_digits_not_a_sequence():
    organisation = make_organisation()
    numbers = [make_ticket(organisation).number for _ in range(5)]
    assert all(len(n) == 8 and n.isdigit() and n[0] != "0" for n in numbers)
    ordered = sorted(int(n) for n in numbers)
    assert any(b - a != 1 for a, b in itertools.pairwise(ordered))


def test_case_type_sets_impact_and_department():
    ticket = make_ticket(code="payment_report_activation")
    assert ticket.impact == "high"
    assert ticket.department.code == "facturacion"


def test_first_response_deadline_counts_business_hours_for_level_1():
    # Level 1, high impact: 4 business hours from Tuesday 10:00 → 12:00 + lunch + 14:00–16:00.
    ticket = make_ticket(level=1, code="service_down")
    assert ticket.first_response_due == datetime(2026, 11, 24, 16, 0, tzinfo=BOGOTA)
    assert ticket.due_at == ticket.first_response_due


def test_level_3_ticket_clock_runs_24_7():
    sunday_night = datetime(2026, 11, 29, 3, 0, tzinfo=BOGOTA)
    ticket = make_ticket(level=3, code="service_down", now=sunday_night)
    assert ticket.first_response_due == sunday_night + timedelta(minutes=30)


def test_opening_emails_the_customer_their_case_number_and_tells_the_department(
    django_capture_on_commit_callbacks,
):
    organisation = make_organisation()
    requester = make_contact(organisation, email="cliente@example.com")
    agent = make_agent(email="agente@example.com")
    department("soporte").members.add(agent)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(organisation, requester=requester)
    to_customer = next(m for m in mail.outbox if m.to == ["cliente@example.com"])
    assert ticket.display_number in to_customer.subject
    assert ticket.display_number in to_customer.body
    assert "Le responderemos antes del" in to_customer.body
    assert any(m.to == ["agente@example.com"] for m in mail.outbox)


def test_english_customer_gets_english_mail(django_capture_on_commit_callbacks):
    organisation = make_organisation()
    requester = make_contact(organisation, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(organisation, requester=requester)
    [message] = [m for m in mail.outbox if m.to == [requester.email]]
    assert "We received your request" in message.subject


def test_service_of_another_organisation_is_refused_and_nothing_is_created():
    mine, theirs = make_organisation(), make_organisation()
    with pytest.raises(TicketError):
        open_ticket(
            requester=make_contact(mine),
            organisation=mine,
            service=make_service(theirs),
            subject="x",
            body="y",
            channel="portal",
            now=NOW,
        )
    assert not Ticket.objects.exists()


def test_agents_first_public_reply_is_the_first_response_but_a_note_is_not():
    ticket = make_ticket()
    agent = make_agent()
    add_message(ticket, author=agent, body="Nota interna", from_staff=True, kind="note", now=NOW)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    later = NOW + timedelta(minutes=20)
    add_message(ticket, author=agent, body="Hola, ya revisamos", from_staff=True, now=later)
    ticket.refresh_from_db()
    assert ticket.first_response_at == later
    assert ticket.status == Status.OPEN
    assert ticket.due_at == ticket.resolution_due
    assert ticket.message_count == 3


def test_customer_reply_reopens_a_pending_or_resolved_case():
    ticket = make_ticket()
    agent = make_agent()
    for status in (Status.PENDING, Status.RESOLVED):
        update_ticket(ticket, acting_user=agent, now=NOW, status=status)
        add_message(
            ticket, author=ticket.requester, body="Sigue fallando", from_staff=False, now=NOW
        )
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN


def test_customer_writing_on_a_closed_case_opens_a_linked_follow_up():
    ticket = make_ticket()
    update_ticket(ticket, acting_user=make_agent(), now=NOW, status=Status.CLOSED)
    message = add_message(
        ticket, author=ticket.requester, body="Otra vez", from_staff=False, now=NOW
    )
    assert message.ticket != ticket
    assert message.ticket.follow_up_of == ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.messages.count() == 1


def test_closed_case_is_read_only_for_agents():
    ticket = make_ticket()
    agent = make_agent()
    update_ticket(ticket, acting_user=agent, now=NOW, status=Status.CLOSED)
    with pytest.raises(TicketClosed):
        add_message(ticket, author=agent, body="x", from_staff=True, now=NOW)
    with pytest.raises(TicketClosed):
        update_ticket(ticket, acting_user=agent, now=NOW, impact="high")


def test_every_change_is_an_event_with_who_when_before_and_after():
    ticket = make_ticket(code="how_to")
    lead, agent = make_agent(), make_agent()
    later = NOW + timedelta(hours=1)
    update_ticket(
        ticket,
        acting_user=lead,
        now=later,
        assignee=agent,
        case_type=case_type("service_down"),
        add_tags=["cpanel"],
    )
    events = {e.kind: e for e in ticket.events.all()}
    assert events["assigned"].actor == lead and events["assigned"].at == later
    assert events["assigned"].data["after"] == agent.pk
    assert events["case_type"].data == {"before": "how_to", "after": "service_down"}
    assert events["impact"].data == {"before": "low", "after": "high"}
    assert events["tags"].data == {"before": [], "after": ["cpanel"]}


def test_raising_the_impact_brings_the_deadline_forward():
    ticket = make_ticket(level=2, code="how_to")
    before = ticket.first_response_due
    assert before is not None
    ticket = update_ticket(ticket, acting_user=make_agent(), now=NOW, impact="high")
    assert ticket.first_response_due is not None and ticket.first_response_due < before


def test_assignment_emails_the_agent(django_capture_on_commit_callbacks):
    ticket = make_ticket()
    agent = make_agent(email="camilo@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        update_ticket(ticket, acting_user=make_agent(), now=NOW, assignee=agent)
    assert any(
        m.to == ["camilo@example.com"] and ticket.display_number in m.subject for m in mail.outbox
    )


def test_merge_moves_the_conversation_closes_the_duplicate_and_tells_the_customer(
    django_capture_on_commit_callbacks,
):
    organisation = make_organisation()
    requester = make_contact(organisation)
    original = make_ticket(organisation, requester=requester)
    duplicate = make_ticket(organisation, requester=requester, body="Lo mismo otra vez")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        merge_ticket(duplicate, into=original, acting_user=make_agent(), now=NOW)
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == original
    assert original.messages.count() == 2 and original.message_count == 2
    assert TicketEvent.objects.filter(ticket=original, kind="merged_in").exists()
    [told] = mail.outbox
    assert original.display_number in told.body


def test_cases_of_different_customers_cannot_be_merged():
    with pytest.raises(TicketError):
        merge_ticket(make_ticket(), into=make_ticket(), acting_user=make_agent(), now=NOW)


def test_customer_resolves_and_reopens_within_the_window(settings):
    settings.ATIENDE_REOPEN_DAYS = 14
    ticket = make_ticket()
    resolve_by_customer(ticket, user=ticket.requester, now=NOW)
    reopened = reopen_by_customer(ticket, user=ticket.requester, now=NOW + timedelta(days=3))
    assert reopened.status == Status.OPEN
    resolve_by_customer(ticket, user=ticket.requester, now=NOW)
    with pytest.raises(ReopenWindowPassed):
        reopen_by_customer(ticket, user=ticket.requester, now=NOW + timedelta(days=15))


def test_resolved_cases_close_automatically_after_the_configured_days(settings):
    settings.ATIENDE_AUTO_CLOSE_DAYS = 7
    old, recent = make_ticket(), make_ticket()
    resolve_by_customer(old, user=old.requester, now=NOW - timedelta(days=8))
    resolve_by_customer(recent, user=recent.requester, now=NOW - timedelta(days=2))
    assert close_resolved_tickets(now=NOW) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.CLOSED and recent.status == Status.RESOLVED


def test_a_failed_action_leaves_the_database_as_it_was():
    ticket = make_ticket()
    update_ticket(ticket, acting_user=make_agent(), now=NOW, status=Status.CLOSED)
    events_before = TicketEvent.objects.count()
    with pytest.raises(TicketClosed):
        add_message(ticket, author=make_agent(), body="x", from_staff=True, now=NOW)
    assert TicketEvent.objects.count() == events_before
    assert Message.objects.filter(ticket=ticket).count() == 1
