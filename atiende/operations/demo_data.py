"""Demo content: a small hosting company's customers, services and staff.

Loading is idempotent (everything is found by a natural key before it is
created), so ``atiende demo`` can run any number of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction

from atiende.accounts.models import Department, Membership, Organisation, User
from atiende.accounts.roles import Role, grant_role
from atiende.kb.demo import load_demo_articles
from atiende.mail.models import Mailbox
from atiende.services.models import Service, SupportPlan
from atiende.tickets.actions import add_message, open_ticket
from atiende.tickets.models import CannedReply, Ticket
from atiende.triage.models import CaseType

DEMO_PASSWORD = "atiende-demo"  # noqa: S105 - printed on purpose for the local demo


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str = ""


STAFF = [
    ("admin@atiende.example", "Valentina Ríos", Role.ADMINISTRATOR, True, []),
    (
        "supervisora@atiende.example",
        "Laura Gómez",
        Role.SUPERVISOR,
        False,
        ["soporte", "facturacion", "ventas"],
    ),
    ("agente1@atiende.example", "Camilo Herrera", Role.AGENT, False, ["soporte"]),
    ("agente2@atiende.example", "Daniela Ortiz", Role.AGENT, False, ["soporte", "facturacion"]),
]

CANNED_REPLIES = [
    (
        "Saludo y revisión",
        "Hola {customer_name}, gracias por escribirnos. Ya estamos revisando su caso "
        "{case_number} y le daremos noticias pronto.",
        "Hello {customer_name}, thank you for writing. We are looking into case "
        "{case_number} and will update you soon.",
    ),
    (
        "Pedir más información",
        "Hola {customer_name}, para avanzar con el caso {case_number} necesitamos el dominio "
        "afectado, la hora aproximada del problema y, si es posible, una captura del error.",
        "Hello {customer_name}, to move case {case_number} forward we need the affected "
        "domain, roughly when it happened and, if possible, a screenshot of the error.",
    ),
    (
        "Caso resuelto",
        "Hola {customer_name}, el caso {case_number} quedó resuelto. Si algo sigue fallando, "
        "responda este mensaje y lo retomamos.",
        "Hello {customer_name}, case {case_number} is resolved. If anything still fails, "
        "reply to this message and we will pick it up again.",
    ),
]

# organisation, requester, service, case type, subject, body, hours ago, agent reply or None
TICKETS = [
    (
        "Tienda Luna",
        "luna@tiendaluna.example",
        "Hosting WordPress Pro",
        "user_code_or_db_error",
        "Error 500 después de actualizar un plugin",
        "Actualicé el plugin de pagos y ahora la tienda muestra error 500 en el checkout.",
        3,
        None,
    ),
    (
        "Clínica Dental Sonrisa Ltda.",
        "sistemas@clinicasonrisa.example",
        "VPS Administrado 4 GB",
        "service_down",
        "El sistema de citas no responde",
        "Desde las 7 am el VPS no responde ni por web ni por SSH. Los pacientes no pueden agendar.",
        1,
        "Hola Andrés, el VPS se quedó sin memoria; lo reiniciamos y ajustamos el límite de PHP.",
    ),
    (
        "Ferretería El Tornillo S.A.S.",
        "contabilidad@ferreteria-eltornillo.example",
        "Hosting Básico",
        "password_or_panel_access",
        "Olvidé la clave del webmail",
        "No recuerdo la contraseña de contabilidad@ferreteria-eltornillo.example.",
        30,
        "Hola Marta, le enviamos un enlace para restablecerla al correo alterno.",
    ),
    (
        "Café Montaña Orgánico",
        "hola@cafemontana.example",
        "Servidor Dedicado E3",
        "dns_configuration",
        "Apuntar el dominio nuevo al servidor",
        "Compramos cafemontana.co y queremos que muestre la misma tienda del servidor.",
        50,
        None,
    ),
]

# organisation, tax id, contacts (email, name, admin?),
# services (name, type, identifier, status, plan level)
CUSTOMERS = [
    (
        "Ferretería El Tornillo S.A.S.",
        "900.123.456-7",
        [
            ("gerencia@ferreteria-eltornillo.example", "Jorge Martínez", True),
            ("contabilidad@ferreteria-eltornillo.example", "Marta Salazar", False),
        ],
        [
            ("Hosting Básico", "shared_hosting", "ferreteria-eltornillo.example", "active", 1),
            ("Dominio .com.co", "domain", "ferreteria-eltornillo.com.co", "active", 1),
        ],
    ),
    (
        "Tienda Luna",
        "1.020.345.678",
        [("luna@tiendaluna.example", "Luna Castaño", True)],
        [
            ("Hosting WordPress Pro", "shared_hosting", "tiendaluna.example", "active", 2),
            ("Correo Empresarial 10 cuentas", "email", "tiendaluna.example", "suspended", 1),
        ],
    ),
    (
        "Clínica Dental Sonrisa Ltda.",
        "800.987.654-3",
        [
            ("sistemas@clinicasonrisa.example", "Andrés Quintero", True),
            ("recepcion@clinicasonrisa.example", "Paola Rincón", False),
        ],
        [
            ("VPS Administrado 4 GB", "vps", "vps1.clinicasonrisa.example", "active", 3),
            ("Certificado SSL Wildcard", "ssl", "*.clinicasonrisa.example", "active", 3),
        ],
    ),
    (
        "Café Montaña Orgánico",
        "901.555.222-1",
        [("hola@cafemontana.example", "Sebastián Mejía", True)],
        [
            ("Servidor Dedicado E3", "dedicated", "srv-cafemontana.example", "active", 2),
            ("Hosting Revendedor", "reseller", "cafemontana.example", "cancelled", 1),
        ],
    ),
]


def _user(email: str, full_name: str, *, now: datetime) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, date_joined=now)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load_demo_data(*, now: datetime) -> list[DemoLogin]:
    """Create (or find) the demo staff and customers; return who can log in."""
    logins = []
    departments = {d.code: d for d in Department.objects.all()}
    for email, name, role, superuser, department_codes in STAFF:
        user = _user(email, name, now=now)
        grant_role(user, role)
        for code in department_codes:
            departments[code].members.add(user)
        if superuser and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        logins.append(DemoLogin(email, role.value))
    plans = {plan.level: plan for plan in SupportPlan.objects.all()}
    today = now.date()
    for org_name, tax_id, contacts, services in CUSTOMERS:
        organisation, _ = Organisation.objects.get_or_create(
            name=org_name, defaults={"tax_id": tax_id, "created_at": now}
        )
        for email, name, is_admin in contacts:
            user = _user(email, name, now=now)
            Membership.objects.get_or_create(
                user=user,
                organisation=organisation,
                defaults={"is_admin": is_admin, "created_at": now},
            )
            logins.append(DemoLogin(email, "customer", org_name))
        for index, (name, product, identifier, status, level) in enumerate(services):
            started = today - timedelta(days=400 - 90 * index)
            Service.objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={
                    "product_type": product,
                    "identifier": identifier,
                    "status": status,
                    "plan": plans[level],
                    "started_on": started,
                    "renews_on": date(today.year + 1, started.month, min(started.day, 28)),
                },
            )
    for title, body_es, body_en in CANNED_REPLIES:
        CannedReply.objects.get_or_create(
            title=title, defaults={"body_es": body_es, "body_en": body_en}
        )
    for department in departments.values():
        # Fed by the mail server's pipe (no IMAP settings): `atiende mail ingest --mailbox soporte`.
        Mailbox.objects.get_or_create(
            code=department.code,
            defaults={"address": f"{department.code}@atiende.example", "department": department},
        )
    _demo_tickets(now=now)
    load_demo_articles(now=now)
    return logins


def _demo_tickets(*, now: datetime) -> None:
    """A few cases in different states, created once (found again by subject)."""
    agent = User.objects.get(email="agente1@atiende.example")
    for org_name, email, service_name, code, subject, body, hours_ago, answer in TICKETS:
        organisation = Organisation.objects.get(name=org_name)
        if Ticket.objects.filter(organisation=organisation, subject=subject).exists():
            continue
        opened = now - timedelta(hours=hours_ago)
        ticket = open_ticket(
            requester=User.objects.get(email=email),
            organisation=organisation,
            service=Service.objects.get(organisation=organisation, name=service_name),
            case_type=CaseType.objects.get(code=code),
            subject=subject,
            body=body,
            channel=Ticket.Channel.PORTAL,
            now=opened,
        )
        if answer:
            add_message(
                ticket,
                author=agent,
                body=answer,
                from_staff=True,
                status_after=Ticket.Status.PENDING,
                now=opened + timedelta(minutes=25),
            )
