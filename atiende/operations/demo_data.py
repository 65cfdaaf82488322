"""Demo content: a small hosting company's customers, services and staff.

Loading is idempotent (everything is found by a natural key before it is
created), so ``atiende demo`` can run any number of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction

from atiende.accounts.models import Membership, Organisation, User
from atiende.accounts.roles import Role, grant_role
from atiende.services.models import Service, SupportPlan

DEMO_PASSWORD = "atiende-demo"  # noqa: S105 - printed on purpose for the local demo


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str = ""


STAFF = [
    ("admin@atiende.example", "Valentina Ríos", Role.ADMINISTRATOR, True),
    ("supervisora@atiende.example", "Laura Gómez", Role.SUPERVISOR, False),
    ("agente1@atiende.example", "Camilo Herrera", Role.AGENT, False),
    ("agente2@atiende.example", "Daniela Ortiz", Role.AGENT, False),
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
    for email, name, role, superuser in STAFF:
        user = _user(email, name, now=now)
        grant_role(user, role)
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
    return logins
