from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from atiende.webhooks.models import EVENTS, Delivery, Webhook
from atiende.webhooks.sending import send_test


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "is_active", "created_at", "deliveries"]
    list_filter = ["is_active"]
    actions = ["ping"]

    @admin.display(description=_("Deliveries"))
    def deliveries(self, webhook: Webhook) -> str:
        # A link to the paginated list, not an inline: a busy webhook has thousands.
        url = reverse("admin:webhooks_delivery_changelist") + f"?webhook__id__exact={webhook.pk}"
        return format_html('<a href="{}">{}</a>', url, _("See deliveries"))

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change, **kwargs)
        names = ", ".join(f"{name} ({label})" for name, label in EVENTS.items())
        form.base_fields["events"].help_text = _('Events: %(names)s; or "*" for all.') % {
            "names": names
        }
        return form

    @admin.action(description=_("Send a test event (ping)"))
    def ping(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            delivery = send_test(webhook, now=timezone.now())
            if delivery.status == Delivery.Status.DELIVERED:
                self.message_user(
                    request,
                    _("%(name)s answered %(status)s.")
                    % {"name": webhook.name, "status": delivery.response_status},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("%(name)s failed: %(error)s")
                    % {"name": webhook.name, "error": delivery.error},
                    messages.ERROR,
                )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "webhook", "event", "status", "attempts", "response_status"]
    list_filter = ["status", "event", "webhook"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
