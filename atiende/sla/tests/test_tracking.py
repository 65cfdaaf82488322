"""SLA clocks on real tickets: pauses, first and next response, warnings, breaches, escalation."""

from datetime import datetime, timedelta

import pytest
from django.core import mail

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_staff
from atiende.sla.models import SlaAlert
from atiende.sla.tracking import sweep
from atiende.tickets.actions import add_message, update_ticket
from atiende.tickets.models import Ticket
from atiende.tickets.tests.factories import BOGOTA, NOW, department, make_agent, make_ticket

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the week of Monday 23 November 2026 in Bogotá."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BOGOTA)


def test_pending_on_customer_stops_the_clock_and_resumes_with_the_time_left():
    # Level 2 low impact: 24 business hours to resolve, from Tuesday 10:00.
    ticket = make_ticket(level=2, code="how_to", now=at(24, 10))
    agent = make_agent()
    add_message(
        ticket,
        author=agent,
        body="¿Qué dominio?",
        from_staff=True,
        status_after=Status.PENDING,
        now=at(24, 11),
    )
    ticket.refresh_from_db()
    assert ticket.due_at is None and ticket.next_alert_at is None  # paused: nothing is due
    # The customer answers two days later at 11:00: 23 business hours were left.
    add_message(
        ticket, author=ticket.requester, body="tienda.example.com", from_staff=False, now=at(26, 11)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    # Days have 8 business hours (08–12, 14–18), Saturdays 4. Left after Tuesday:
    # 23 h. Thursday 11–18 uses 5, Friday 8, Saturday 4: Monday 08–12 and 14–16.
    assert ticket.resolution_due == at(30, 16)
    had_it_never_paused = at(27, 10)
    assert ticket.resolution_due > had_it_never_paused


def test_on_hold_pauses_only_when_configured(settings):
    agent = make_agent()
    settings.ATIENDE_SLA_PAUSE_ON_HOLD = False
    running = make_ticket(level=2, now=at(24, 10))
    update_ticket(running, acting_user=agent, now=at(24, 11), status=Status.ON_HOLD)
    running.refresh_from_db()
    assert running.due_at is not None
    settings.ATIENDE_SLA_PAUSE_ON_HOLD = True
    paused = make_ticket(level=2, now=at(24, 10))
    update_ticket(paused, acting_user=agent, now=at(24, 11), status=Status.ON_HOLD)
    paused.refresh_from_db()
    assert paused.due_at is None


def test_automatic_or_internal_entries_do_not_meet_the_first_response():
    ticket = make_ticket(level=1, code="service_down", now=at(24, 10))
    add_message(
        ticket, author=make_agent(), body="nota", from_staff=True, kind="note", now=at(24, 10, 5)
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.due_at == ticket.first_response_due


def test_a_logged_phone_call_answers_the_customer():
    ticket = make_ticket(level=3, code="service_down", now=at(24, 10))
    add_message(
        ticket,
        author=make_agent(),
        body="Llamamos y quedó resuelto",
        from_staff=True,
        kind="call",
        now=at(24, 10, 10),
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at == at(24, 10, 10)


def test_customer_message_after_the_first_response_starts_the_next_response_clock():
    # Level 2 medium: next response within 4 business hours.
    ticket = make_ticket(level=2, code="dns_configuration", now=at(24, 9))
    agent = make_agent()
    add_message(ticket, author=agent, body="Revisando", from_staff=True, now=at(24, 9, 30))
    add_message(
        ticket, author=ticket.requester, body="¿Novedades?", from_staff=False, now=at(24, 11)
    )
    ticket.refresh_from_db()
    # 11:00 + 4 business hours = 12:00 (1h), lunch, 14:00–17:00 (3h).
    assert ticket.next_response_due == at(24, 17)
    assert ticket.due_at == at(24, 17)
    add_message(ticket, author=agent, body="Listo", from_staff=True, now=at(24, 15))
    ticket.refresh_from_db()
    assert ticket.next_response_due is None and ticket.due_at == ticket.resolution_due


def test_breach_is_recorded_once_with_its_time_and_escalated(django_capture_on_commit_callbacks):
    supervisor = make_staff(Role.SUPERVISOR, email="lider@example.com")
    department("soporte").members.add(supervisor)
    assignee = make_agent(email="camilo@example.com")
    ticket = make_ticket(level=1, code="service_down", now=at(24, 10))  # first response due 16:00
    update_ticket(ticket, acting_user=supervisor, now=at(24, 10), assignee=assignee)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=at(24, 17))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=at(24, 18))  # again: nothing new
    breaches = SlaAlert.objects.filter(ticket=ticket, kind="breach")
    assert [(b.target, b.at) for b in breaches] == [("first_response", at(24, 16))]
    warnings = SlaAlert.objects.filter(ticket=ticket, kind="warning")
    assert [w.target for w in warnings] == ["first_response"]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["camilo@example.com"] * 2 + ["lider@example.com"] * 2
    assert any("incumplido" in m.subject for m in mail.outbox)


def test_warning_comes_at_the_configured_share_of_the_target(settings):
    settings.ATIENDE_SLA_WARNING_PERCENT = 50
    make_ticket(level=1, code="service_down", now=at(24, 10))  # 4 business hours
    sweep(now=at(24, 11, 59))
    assert not SlaAlert.objects.exists()
    sweep(now=at(24, 14, 0))  # 2 business hours used: 10–12
    assert list(SlaAlert.objects.values_list("kind", "at")) == [("warning", at(24, 12))]


def test_answering_in_time_cancels_the_pending_alerts():
    ticket = make_ticket(level=1, code="service_down", now=at(24, 10))
    add_message(
        ticket, author=make_agent(), body="En eso estamos", from_staff=True, now=at(24, 10, 30)
    )
    sweep(now=at(24, 17))
    assert not SlaAlert.objects.filter(target="first_response").exists()


def test_raising_the_impact_recomputes_deadlines_from_the_start():
    ticket = make_ticket(level=2, code="how_to", now=at(24, 10))
    ticket = update_ticket(ticket, acting_user=make_agent(), now=at(24, 11), impact="high")
    # Level 2 high: 2 business hours from the start (10:00), not from the change.
    assert ticket.first_response_due == at(24, 12)


def test_changing_the_service_to_a_premium_plan_moves_the_clock_to_24_7():
    from atiende.accounts.tests.factories import make_service

    ticket = make_ticket(level=1, code="service_down", now=at(28, 17))  # Saturday 17:00, closed
    assert ticket.organisation is not None
    premium = make_service(ticket.organisation, level=3)
    ticket = update_ticket(ticket, acting_user=make_agent(), now=at(28, 17, 5), service=premium)
    assert ticket.plan.level == 3
    assert ticket.first_response_due == at(28, 17, 30)


def test_premium_plan_comes_first_at_equal_due_time(client):
    from atiende.tickets.queries import urgency_order

    basic = make_ticket(level=1, code="how_to", subject="básico")
    premium = make_ticket(level=3, code="how_to", subject="premium")
    same_deadline = NOW + timedelta(hours=1)
    Ticket.objects.filter(pk__in=[basic.pk, premium.pk]).update(
        due_at=same_deadline, sort_due=same_deadline
    )
    ordered = list(urgency_order(Ticket.objects.all()).values_list("subject", flat=True))
    assert ordered == ["premium", "básico"]


def test_out_of_scope_request_is_accepted_and_flagged():
    ticket = make_ticket(level=1, code="user_code_or_db_error")
    assert ticket.out_of_scope
    assert not make_ticket(level=3, code="user_code_or_db_error").out_of_scope


def test_upgrading_a_services_plan_moves_its_open_cases_to_the_new_clock():
    from atiende.accounts.tests.factories import plan
    from atiende.tickets.actions import apply_plan_change

    ticket = make_ticket(level=1, code="service_down", now=at(28, 17))  # Saturday 17:00
    service = ticket.service
    assert service is not None
    service.plan = plan(3)
    service.save()
    assert apply_plan_change(service, acting_user=None, now=at(28, 17, 5)) == 1
    ticket.refresh_from_db()
    assert ticket.plan.level == 3 and ticket.first_response_due == at(28, 17, 30)
