"""Data: the plan level that covers each case type (see docs/sla.md, "Scope").

Level 1 customers administer their own applications; errors in their own code
or databases are technical help that only Level 3 covers. Editable in the admin.
"""

from django.db import migrations

SCOPE = {"user_code_or_db_error": 3}


def set_scope(apps, schema_editor):
    CaseType = apps.get_model("triage", "CaseType")
    for code, level in SCOPE.items():
        CaseType.objects.filter(code=code).update(min_plan_level=level)


def reset_scope(apps, schema_editor):
    apps.get_model("triage", "CaseType").objects.filter(code__in=SCOPE).update(min_plan_level=1)


class Migration(migrations.Migration):
    dependencies = [("triage", "0003_casetype_min_plan_level")]
    operations = [migrations.RunPython(set_scope, reset_scope)]
