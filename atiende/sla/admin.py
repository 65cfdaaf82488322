from django.contrib import admin

from atiende.sla.models import Calendar, SpecialDay, WorkingInterval


class WorkingIntervalInline(admin.TabularInline):
    model = WorkingInterval
    extra = 0


class SpecialDayInline(admin.TabularInline):
    model = SpecialDay
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "always_open", "holiday_country"]
    inlines = [WorkingIntervalInline, SpecialDayInline]
