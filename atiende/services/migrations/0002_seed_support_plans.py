"""Data: the three support plans of the seed, with channels and response targets.

The seed's page lost its response-time figures; these defaults are ours and
are documented in docs/support-plans.md. Everything is editable in the admin.
Minutes are business minutes for channels attended in business hours and
wall-clock minutes for 24/7 channels.
"""

from typing import Any

from django.db import migrations

H = 60  # minutes in an hour

PLANS: list[dict[str, Any]] = [
    {
        "level": 1,
        "name_es": "Soporte Nivel 1",
        "name_en": "Level 1 Support",
        "tagline_es": "Incluido en todos los servicios",
        "tagline_en": "Included with every service",
        "description_es": (
            "Solicitudes a través de tickets o email únicamente, sin atención telefónica "
            "directa. Acceso a la base de conocimiento."
        ),
        "description_en": (
            "Requests by ticket or email only, no direct phone support. "
            "Access to the knowledge base."
        ),
        "features_es": (
            "Solicitudes por ticket o email\n"
            "Acceso a la base de conocimiento y material de ayuda\n"
            "Usted administra su servicio con control total"
        ),
        "features_en": (
            "Requests by ticket or email\n"
            "Access to the knowledge base and help material\n"
            "You administer your service with full control"
        ),
        "scope_es": (
            "El cliente es el único administrador del servicio y responsable de la "
            "configuración de sus aplicaciones y paneles de control. Ayuda con la "
            "configuración de aplicaciones está fuera del alcance: sugerir Nivel 2 o 3."
        ),
        "scope_en": (
            "The customer is the sole administrator of the service and responsible for "
            "configuring their applications and control panels. Help configuring "
            "applications is out of scope: suggest Level 2 or 3."
        ),
        "is_premium": False,
        "channels": [
            ("ticket", "business", False, "", ""),
            ("email", "business", False, "", ""),
        ],
        # impact: (first response, next response, resolution) in minutes
        "targets": {
            "low": (16 * H, 16 * H, 40 * H),
            "medium": (8 * H, 8 * H, 24 * H),
            "high": (4 * H, 4 * H, 10 * H),
        },
    },
    {
        "level": 2,
        "name_es": "Soporte Nivel 2",
        "name_en": "Level 2 Support",
        "tagline_es": "Incluido en algunos servicios",
        "tagline_en": "Included with some services",
        "description_es": (
            "Soporte sobre fallas del servicio y solución a dudas básicas a través de chat, "
            "ticket o email. La asistencia telefónica se reserva para casos con un ticket "
            "y número de caso previos."
        ),
        "description_en": (
            "Support for service failures and answers to basic questions by chat, ticket "
            "or email. Phone assistance only for cases that already have a ticket and a "
            "case number."
        ),
        "features_es": (
            "Soporte sobre fallas del servicio y dudas básicas\n"
            "Chat, ticket o email\n"
            "Teléfono solo con un número de caso existente\n"
            "Un asesor en horario hábil para pequeñas inquietudes\n"
            "Ayuda breve con la instalación y configuración de su servicio"
        ),
        "features_en": (
            "Support for service failures and basic questions\n"
            "Chat, ticket or email\n"
            "Phone only with an existing case number\n"
            "An advisor in business hours for small questions\n"
            "Brief help installing and configuring your service"
        ),
        "scope_es": (
            "Incluye dudas básicas y ayuda breve con instalación y configuración del "
            "servicio. Soporte técnico sobre aplicaciones, software o paneles: sugerir Nivel 3."
        ),
        "scope_en": (
            "Includes basic questions and brief help installing and configuring the "
            "service. Technical help on applications, software or panels: suggest Level 3."
        ),
        "is_premium": False,
        "channels": [
            ("ticket", "business", False, "", ""),
            ("email", "business", False, "", ""),
            ("chat", "business", False, "", ""),
            (
                "phone",
                "business",
                True,
                "Solo para casos con número de ticket",
                "Only for cases with a ticket number",
            ),
        ],
        "targets": {
            "low": (8 * H, 8 * H, 24 * H),
            "medium": (4 * H, 4 * H, 16 * H),
            "high": (2 * H, 2 * H, 6 * H),
        },
    },
    {
        "level": 3,
        "name_es": "Soporte Nivel 3",
        "name_en": "Level 3 Support",
        "tagline_es": "Premium, costo adicional",
        "tagline_en": "Premium, additional cost",
        "description_es": (
            "Información técnica sobre aplicaciones, software o paneles de control de su "
            "servicio, con asistencia prioritaria y atención 24/7 vía ticket."
        ),
        "description_en": (
            "Technical help on the applications, software and control panels of your "
            "service, with priority assistance and 24/7 attention by ticket."
        ),
        "features_es": (
            "Asistencia prioritaria por email, chat o teléfono en horario hábil\n"
            "Atención 24/7 vía ticket de soporte\n"
            "Resolución a fallos de bajo, medio y alto impacto\n"
            "Atención prioritaria sobre casos abiertos las 24 horas del día\n"
            "Un asesor siempre disponible para atender su solicitud\n"
            "Asistencia remota cuando se requiera"
        ),
        "features_en": (
            "Priority assistance by email, chat or phone in business hours\n"
            "24/7 attention by support ticket\n"
            "Resolution of low, medium and high impact failures\n"
            "Priority on open cases 24 hours a day\n"
            "An advisor always available for your request\n"
            "Remote assistance when needed"
        ),
        "scope_es": (
            "Incluye asistencia técnica sobre aplicaciones, software y paneles de control."
        ),
        "scope_en": "Includes technical help on applications, software and control panels.",
        "is_premium": True,
        "channels": [
            ("ticket", "always", False, "24/7", "24/7"),
            ("email", "business", False, "Prioritario", "Priority"),
            ("chat", "business", False, "Prioritario", "Priority"),
            ("phone", "business", False, "Prioritario", "Priority"),
            ("remote", "business", False, "Cuando se requiera", "When needed"),
        ],
        "targets": {
            "low": (4 * H, 4 * H, 24 * H),
            "medium": (2 * H, 2 * H, 8 * H),
            "high": (30, 30, 4 * H),
        },
    },
]


def create_plans(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    SupportPlan = apps.get_model("services", "SupportPlan")
    PlanChannel = apps.get_model("services", "PlanChannel")
    ResponseTarget = apps.get_model("services", "ResponseTarget")
    business_hours = Calendar.objects.get(name="Horario hábil (Bogotá)")
    for spec in PLANS:
        spec = dict(spec)
        channels = spec.pop("channels")
        targets = spec.pop("targets")
        plan, created = SupportPlan.objects.get_or_create(
            level=spec.pop("level"), defaults={**spec, "calendar": business_hours}
        )
        if not created:
            continue
        for channel, hours, needs_case, note_es, note_en in channels:
            PlanChannel.objects.create(
                plan=plan,
                channel=channel,
                hours=hours,
                requires_case_number=needs_case,
                note_es=note_es,
                note_en=note_en,
            )
        for impact, (first, following, resolution) in targets.items():
            ResponseTarget.objects.create(
                plan=plan,
                impact=impact,
                first_response_minutes=first,
                next_response_minutes=following,
                resolution_minutes=resolution,
            )


def remove_plans(apps, schema_editor):
    apps.get_model("services", "SupportPlan").objects.filter(level__in=[1, 2, 3]).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial"), ("sla", "0002_default_calendars")]
    operations = [migrations.RunPython(create_plans, remove_plans)]
