from django.contrib import admin

from atiende.triage.models import CaseType


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "impact", "department", "customer_selectable", "order"]
    list_filter = ["impact", "department"]
