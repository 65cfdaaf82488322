"""Automatic triage on real tickets: classification, explanation, routing, learning, alerts."""

import json
import re
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from atiende.accounts.tests.factories import make_contact, make_organisation, make_service
from atiende.tickets.actions import open_ticket, update_ticket
from atiende.tickets.models import Ticket
from atiende.tickets.tests.factories import BOGOTA, NOW, case_type, department, make_agent
from atiende.triage.classify import active_model, rollback, train_and_activate
from atiende.triage.models import Correction

pytestmark = pytest.mark.django_db


def new_ticket(
    subject, body, *, level=1, chosen=None, now=NOW, acting_user=None, organisation=None
):
    organisation = organisation or make_organisation()
    return open_ticket(
        requester=make_contact(organisation),
        organisation=organisation,
        service=make_service(organisation, level=level),
        subject=subject,
        body=body,
        case_type=case_type(chosen) if chosen else None,
        channel=Ticket.Channel.PORTAL,
        now=now,
        acting_user=acting_user,
    )


def test_spanish_outage_is_classified_high_impact_and_routed_to_support():
    ticket = new_ticket(
        "URGENTE la pagina no carga", "desde las 7am el sitio esta caido y no abre nada"
    )
    assert ticket.case_type.code == "service_down"
    assert (ticket.impact, ticket.department.code) == ("high", "soporte")
    assert ticket.case_type_set_by == "classifier" and not ticket.needs_triage


def test_english_payment_report_goes_to_billing():
    ticket = new_ticket(
        "Payment sent for the renewal",
        "Hi, I just paid the invoice to renew our hosting plan for another year, "
        "attached is the receipt.",
    )
    assert ticket.case_type.code == "payment_report_renewal"
    assert ticket.department.code == "facturacion"


def test_agents_see_why_the_classifier_decided(client):
    ticket = new_ticket(
        "Nos hackearon la web", "aparece una pagina de hackers en vez de nuestra tienda"
    )
    client.force_login(make_agent())
    page = client.get(f"/consola/tickets/{ticket.number}/").content.decode()
    assert ticket.classification.explanation
    assert ticket.classification.explanation[0] in page


def test_gibberish_is_left_for_an_agent_in_the_needs_triage_queue(client):
    ticket = new_ticket("hola", "asdf qwerty zzzz")
    assert ticket.case_type.code == "other" and ticket.needs_triage
    client.force_login(make_agent())
    response = client.get("/consola/tickets/?cola=triage")
    assert ticket.display_number in response.content.decode()
    assert response.context["counts"]["triage"] == 1


def test_customer_choice_is_kept_but_a_likely_mismatch_is_flagged():
    ticket = new_ticket(
        "No funciona nada",
        "El servidor está caído desde la mañana, la tienda no abre y los correos no llegan",
        chosen="how_to",
    )
    assert ticket.case_type.code == "how_to"
    assert ticket.classification.mismatch and ticket.needs_triage
    assert ticket.classification.predicted != "how_to"


def test_an_agents_choice_is_never_overridden():
    agent = make_agent()
    ticket = new_ticket(
        "Servidor caído", "no responde nada", chosen="backup_restore", acting_user=agent
    )
    assert ticket.case_type.code == "backup_restore" and ticket.case_type_set_by == "agent"
    assert not ticket.needs_triage


def test_agent_correction_is_recorded_and_clears_triage():
    ticket = new_ticket("hola", "asdf qwerty zzzz")
    agent = make_agent()
    update_ticket(ticket, acting_user=agent, now=NOW, case_type=case_type("dns_configuration"))
    ticket.refresh_from_db()
    assert not ticket.needs_triage and ticket.case_type_set_by == "agent"
    [correction] = Correction.objects.all()
    assert (correction.predicted, correction.corrected) == ("other", "dns_configuration")


def test_training_on_corrections_changes_a_later_prediction_and_rollback_undoes_it():
    text = ("Consulta Quibbleport", "necesito ayuda con quibbleport")
    before = new_ticket(*text).case_type.code
    target = "licensing_error" if before != "licensing_error" else "dns_configuration"
    agent = make_agent()
    for index in range(6):
        ticket = new_ticket(
            f"Consulta Quibbleport {index}", f"necesito ayuda con quibbleport {index}"
        )
        update_ticket(ticket, acting_user=agent, now=NOW, case_type=case_type(target))
    version = train_and_activate(now=NOW)
    assert version.corrections == 6 and active_model()[0] == f"v{version.pk}"
    assert new_ticket(*text).case_type.code == target
    rollback()
    assert new_ticket(*text).case_type.code == before


def test_high_impact_case_alerts_the_departments_agents_in_business_hours(
    django_capture_on_commit_callbacks,
):
    agent = make_agent(email="guardia@example.com")
    department("soporte").members.add(agent)
    with django_capture_on_commit_callbacks(execute=True):
        new_ticket("Servidor caído", "el servidor no responde, todo caído", now=NOW)
    assert any(m.to == ["guardia@example.com"] and "ALTO IMPACTO" in m.subject for m in mail.outbox)


def test_at_night_only_24_7_plans_wake_the_agents(django_capture_on_commit_callbacks):
    agent = make_agent(email="guardia@example.com")
    department("soporte").members.add(agent)
    night = datetime(2026, 11, 25, 2, 0, tzinfo=BOGOTA)
    with django_capture_on_commit_callbacks(execute=True):
        new_ticket("Servidor caído", "el servidor no responde, todo caído", level=1, now=night)
    assert not [
        m for m in mail.outbox if m.to == ["guardia@example.com"] and "ALTO IMPACTO" in m.subject
    ]
    with django_capture_on_commit_callbacks(execute=True):
        new_ticket("Servidor caído", "el servidor no responde, todo caído", level=3, now=night)
    assert [
        m for m in mail.outbox if m.to == ["guardia@example.com"] and "ALTO IMPACTO" in m.subject
    ]


def test_evaluate_command_ends_with_the_accuracy_line(tmp_path: Path):
    data = tmp_path / "labelled.jsonl"
    rows = [
        {"subject": "sitio caido", "body": "la web no carga", "case_type": "service_down"},
        {
            "subject": "cambiar clave",
            "body": "olvide la clave del cpanel",
            "case_type": "password_or_panel_access",
        },
    ]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = StringIO()
    call_command("triage", "evaluate", str(data), stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"case_type accuracy: \d\.\d{3}  impact accuracy: \d\.\d{3}  n=2", last)
