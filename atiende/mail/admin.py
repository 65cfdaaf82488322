from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from atiende.mail.models import InboundEmail, Mailbox, OutboundEmail, Participant


class MailboxForm(forms.ModelForm):
    # The stored password is never sent back to the browser: the field is
    # always empty, and leaving it empty keeps the current one.
    password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "code",
            "address",
            "department",
            "is_active",
            "imap_host",
            "imap_port",
            "security",
            "username",
            "password",
            "folder",
            "after_import",
            "archive_folder",
        ]

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if not password and self.instance.pk:
            return self.instance.password
        return password


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["code", "address", "department", "is_active", "imap_host", "last_polled_at"]
    list_filter = ["is_active", "department"]
    readonly_fields = ["last_polled_at", "last_error"]
    actions = ["poll_now"]

    @admin.action(description=_("Read the selected mailboxes now"))
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        from atiende.mail.tasks import poll_mailbox_task

        count = 0
        for mailbox in queryset.filter(is_active=True).exclude(imap_host=""):
            poll_mailbox_task.enqueue(mailbox.pk)
            count += 1
        self.message_user(
            request, _("%(count)d mailbox(es) will be read.") % {"count": count}, messages.SUCCESS
        )


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    # Inspection only: the console (/consola/correo/) shows, downloads and re-processes.
    list_display = ["received_at", "mailbox", "from_address", "subject", "outcome", "reason"]
    list_filter = ["outcome", "mailbox", "source"]
    search_fields = ["from_address", "subject", "message_id"]
    exclude = ["raw", "html"]
    readonly_fields = [
        field.name
        for field in InboundEmail._meta.get_fields()
        if field.concrete and field.name not in ("raw", "html", "id")
    ]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundEmail]:
        # Raw messages can be megabytes each; a list page needs none of them.
        return super().get_queryset(request).defer("raw", "html")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "to_address", "ticket", "automatic"]
    list_filter = ["kind", "automatic"]
    search_fields = ["to_address", "message_id"]
    raw_id_fields = ["ticket", "entry"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "ticket", "added_at"]
    search_fields = ["email", "ticket__number"]
    raw_id_fields = ["ticket", "added_by_email"]
