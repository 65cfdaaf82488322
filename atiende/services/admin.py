from django.contrib import admin

from atiende.services.models import PlanChannel, ResponseTarget, Service, SupportPlan


class PlanChannelInline(admin.TabularInline):
    model = PlanChannel
    extra = 0


class ResponseTargetInline(admin.TabularInline):
    model = ResponseTarget
    extra = 0


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    list_display = ["level", "name_es", "name_en", "is_premium", "calendar"]
    inlines = [PlanChannelInline, ResponseTargetInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "identifier", "organisation", "product_type", "status", "plan"]
    list_filter = ["status", "product_type", "plan"]
    search_fields = ["name", "identifier", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "plan"]
