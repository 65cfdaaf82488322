from django.contrib import admin
from django.utils import timezone

from atiende.services.models import PlanChannel, ResponseTarget, Service, SupportPlan
from atiende.tickets.actions import apply_plan_change


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

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if change and "plan" in form.changed_data:
            # Open cases of the service now run on the new plan's clocks.
            apply_plan_change(obj, acting_user=request.user, now=timezone.now())
