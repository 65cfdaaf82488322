"""Data: the three departments of the new-ticket form; editable in the admin."""

from django.db import migrations

DEPARTMENTS = [
    ("soporte", "Soporte técnico", "Technical support", False, 1),
    ("facturacion", "Facturación y pagos", "Billing and payments", False, 2),
    ("ventas", "Ventas", "Sales", True, 3),
]


def create(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, name_es, name_en, is_sales, order in DEPARTMENTS:
        Department.objects.get_or_create(
            code=code,
            defaults={"name_es": name_es, "name_en": name_en, "is_sales": is_sales, "order": order},
        )


def remove(apps, schema_editor):
    apps.get_model("accounts", "Department").objects.filter(
        code__in=[d[0] for d in DEPARTMENTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_department")]
    operations = [migrations.RunPython(create, remove)]
