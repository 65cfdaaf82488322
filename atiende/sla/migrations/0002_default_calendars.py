"""Data: the two calendars the seed's plans use.

"Horario hábil" in Bogotá: Monday to Friday 08:00–12:00 and 14:00–18:00,
Saturday 08:00–12:00, closed on Colombian public holidays. And 24/7.
Both are editable in the admin afterwards.
"""

from datetime import time

from django.db import migrations

BUSINESS_HOURS = "Horario hábil (Bogotá)"
ALWAYS = "24/7"


def create_calendars(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    WorkingInterval = apps.get_model("sla", "WorkingInterval")
    business, created = Calendar.objects.get_or_create(
        name=BUSINESS_HOURS, defaults={"time_zone": "America/Bogota", "holiday_country": "CO"}
    )
    if created:
        spans = [(time(8), time(12)), (time(14), time(18))]
        rows = [
            WorkingInterval(calendar=business, weekday=day, start=start, end=end)
            for day in range(5)
            for start, end in spans
        ]
        rows.append(WorkingInterval(calendar=business, weekday=5, start=time(8), end=time(12)))
        WorkingInterval.objects.bulk_create(rows)
    Calendar.objects.get_or_create(
        name=ALWAYS,
        defaults={"time_zone": "America/Bogota", "always_open": True, "holiday_country": ""},
    )


def remove_calendars(apps, schema_editor):
    apps.get_model("sla", "Calendar").objects.filter(name__in=[BUSINESS_HOURS, ALWAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(create_calendars, remove_calendars)]
