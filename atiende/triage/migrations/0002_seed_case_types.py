"""Data: the case types of the seed's "tipos de casos", plus sales and "other".

Each has an impact (its priority), a default department and a description
with the seed's examples that customers see when choosing. Editable in the admin.
"""

from django.db import migrations

# code, impact, department, name_es, name_en, description_es, description_en
CASE_TYPES = [
    ("password_or_panel_access", "low", "soporte",
     "Contraseñas o acceso a paneles", "Passwords or control-panel access",
     "Restablecimiento o cambio de contraseñas, acceso a paneles de control, webmail o área de clientes.",
     "Resetting or changing passwords, access to control panels, webmail or the client area."),
    ("payment_report_renewal", "low", "facturacion",
     "Reporte de pago de renovación", "Payment report for a renewal",
     "Reporte de un pago para renovar un servicio que ya tiene.",
     "Reporting a payment to renew a service you already have."),
    ("logs_or_reports_request", "low", "soporte",
     "Solicitud de informes o logs", "Request for reports or logs",
     "Solicitud de informes, estadísticas o registros (logs) de su servicio.",
     "Requesting reports, statistics or logs of your service."),
    ("how_to", "low", "soporte",
     "Guía de uso de herramientas o paneles", "How-to and usage guidance",
     "Instrucciones o guía de uso de las herramientas o paneles de control.",
     "Instructions or guidance on using the tools or control panels."),
    ("firewall_ip_block", "medium", "soporte",
     "Bloqueo de IP en el firewall", "IP blocked in the firewall",
     "No puede conectarse al servidor, al panel o al correo desde su red porque su IP fue bloqueada.",
     "You cannot reach the server, panel or mail from your network because your IP was blocked."),
    ("suspension_reactivation", "medium", "facturacion",
     "Reactivación por suspensión de pago", "Reactivation after a payment suspension",
     "Reactivación de un servicio suspendido por falta de pago.",
     "Reactivating a service suspended for non-payment."),
    ("accidental_data_loss", "medium", "soporte",
     "Pérdida involuntaria de información", "Accidental data loss",
     "Pérdida de información o datos involuntaria del usuario (archivos, correos o bases de datos borrados).",
     "Information or data lost by accident (deleted files, mail or databases)."),
    ("backup_restore", "medium", "soporte",
     "Restauración de backups", "Backup restore",
     "Restauración de una copia de seguridad de su sitio, correo o base de datos.",
     "Restoring a backup of your site, mail or database."),
    ("user_code_or_db_error", "medium", "soporte",
     "Errores de programación o bases de datos", "Errors in your code or databases",
     "Errores de programación o de bases de datos de su sitio o aplicación.",
     "Programming or database errors in your site or application."),
    ("licensing_error", "medium", "soporte",
     "Errores de licenciamiento", "Licensing errors",
     "Errores de licencia de paneles o software (cPanel, Softaculous, etc.).",
     "License errors of panels or software (cPanel, Softaculous, etc.)."),
    ("dns_configuration", "medium", "soporte",
     "Configuraciones de DNS", "DNS configuration",
     "Registros DNS, apuntar un dominio, registros MX, SPF o servidores de nombres.",
     "DNS records, pointing a domain, MX, SPF or name-server records."),
    ("service_down", "high", "soporte",
     "Caída del servicio o servidor", "Service or server down",
     "Su sitio, correo o servidor no responde en absoluto.",
     "Your site, mail or server does not respond at all."),
    ("prolonged_intermittency", "high", "soporte",
     "Servicio no funcional o intermitencia prolongada", "Service not working or prolonged intermittency",
     "El servicio funciona mal, muy lento o se cae una y otra vez durante un tiempo prolongado.",
     "The service works badly, very slowly or keeps dropping for a long time."),
    ("security_attack", "high", "soporte",
     "Ataque de un tercero o hacker", "Attack by a third party or hacker",
     "Sitio hackeado, malware, ataques DDoS, phishing o envío de spam desde su cuenta.",
     "Hacked site, malware, DDoS attacks, phishing or spam sent from your account."),
    ("payment_report_activation", "high", "facturacion",
     "Reporte de pago para activar un servicio nuevo", "Payment report to activate a new service",
     "Reporte de un pago para activar un servicio nuevo.",
     "Reporting a payment to activate a new service."),
    ("sales_inquiry", "low", "ventas",
     "Consulta comercial", "Sales inquiry",
     "Cotizaciones, planes, cambios de plan y servicios nuevos.",
     "Quotes, plans, plan changes and new services."),
    ("other", "low", "soporte",
     "Otro / no estoy seguro", "Other / not sure",
     "Si no sabe qué tipo elegir, nuestro equipo lo clasificará.",
     "If you are not sure which type to choose, our team will classify it."),
]


def create(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    CaseType = apps.get_model("triage", "CaseType")
    departments = {d.code: d for d in Department.objects.all()}
    for order, (code, impact, dept, name_es, name_en, desc_es, desc_en) in enumerate(CASE_TYPES):
        CaseType.objects.get_or_create(
            code=code,
            defaults={
                "impact": impact,
                "department": departments[dept],
                "name_es": name_es,
                "name_en": name_en,
                "description_es": desc_es,
                "description_en": desc_en,
                "order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("triage", "CaseType").objects.filter(code__in=[c[0] for c in CASE_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial"), ("accounts", "0003_default_departments")]
    operations = [migrations.RunPython(create, remove)]
