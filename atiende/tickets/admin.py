from django.contrib import admin

from atiende.tickets.models import CannedReply, Tag, Ticket, TicketEvent


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "data"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    # Agents work tickets in the console; the admin is for inspection.
    list_display = ["number", "subject", "organisation", "status", "impact", "created_at"]
    list_filter = ["status", "impact", "channel", "department"]
    search_fields = ["number", "subject"]
    list_select_related = ["organisation"]
    raw_id_fields = [
        "organisation",
        "requester",
        "service",
        "assignee",
        "merged_into",
        "follow_up_of",
    ]
    inlines = [TicketEventInline]
    show_full_result_count = False


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "department"]


admin.site.register(Tag)
