from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Department, Organisation, User
from atiende.accounts.roles import Role, users_with_role
from atiende.file_types import RefusedFile
from atiende.services.models import Impact, Service
from atiende.tickets.actions import open_ticket
from atiende.tickets.attachments import CheckedUpload, check_upload
from atiende.tickets.models import CannedReply, Ticket
from atiende.triage.models import CaseType


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by content, not by name."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault(
            "help_text",
            _("Images, PDF, text, office documents or ZIP; up to %(mb)d MB each.")
            % {"mb": settings.ATIENDE_MAX_ATTACHMENT_MB},
        )
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[CheckedUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.ATIENDE_MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(n)d files.") % {"n": settings.ATIENDE_MAX_ATTACHMENTS}
            )
        checked, errors = [], []
        for upload in files:
            assert isinstance(upload, UploadedFile)
            try:
                checked.append(check_upload(upload))
            except RefusedFile as error:
                errors.append(str(error))
        if errors:
            raise forms.ValidationError(errors)
        return checked


class NewTicketForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    service = forms.ModelChoiceField(
        label=_("Service it concerns"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("None in particular"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), empty_label=None
    )
    case_type = forms.ModelChoiceField(
        label=_("Type of case"),
        queryset=CaseType.objects.filter(customer_selectable=True),
        required=False,
        empty_label=_("I am not sure: classify it for me"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Describe your request"), widget=forms.Textarea(attrs={"rows": 8})
    )
    attachments = AttachmentsField()

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        organisations = Organisation.objects.filter(memberships__user=user).order_by("name")
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["service"].queryset = (  # type: ignore[attr-defined]
            Service.objects.filter(organisation__in=organisations)
            .exclude(status=Service.Status.CANCELLED)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["service"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"{s} · {s.organisation.name}" if len(organisations) > 1 else str(s)
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        service, organisation = data.get("service"), data.get("organisation")
        if (
            service is not None
            and organisation is not None
            and service.organisation_id != organisation.pk
        ):
            self.add_error("service", _("That service belongs to another of your organisations."))
        return data

    def open_ticket(self, requester: User, *, channel: str, now: datetime) -> Ticket:
        """Open the case this valid form describes (client area and API)."""
        data = self.cleaned_data
        return open_ticket(
            requester=requester,
            organisation=data["organisation"],
            service=data["service"],
            department=data["department"],
            case_type=data["case_type"],
            subject=data["subject"],
            body=data["body"],
            uploads=data.get("attachments") or (),
            channel=channel,
            now=now,
        )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = AttachmentsField()


class AgentReplyForm(forms.Form):
    KIND_CHOICES = [("reply", _("Public reply")), ("note", _("Internal note"))]
    kind = forms.ChoiceField(
        label=_("Type"), choices=KIND_CHOICES, initial="reply", widget=forms.RadioSelect
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    status_after = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[
            ("", _("Leave as it is")),
            *[(s.value, s.label) for s in Ticket.Status if s != "closed"],
        ],
        required=False,
        initial=Ticket.Status.PENDING,
    )
    attachments = AttachmentsField()


def staff_queryset():  # type: ignore[no-untyped-def]
    return users_with_role(*Role).order_by("full_name", "email")


class TicketFieldsForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)
    impact = forms.ChoiceField(label=_("Impact"), choices=Impact.choices)
    case_type = forms.ModelChoiceField(
        label=_("Type of case"), queryset=CaseType.objects.all(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), empty_label=None
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"].queryset = staff_queryset()  # type: ignore[attr-defined]

    def clean_tags(self) -> list[str]:
        return sorted(
            {t.strip().lower()[:50] for t in self.cleaned_data["tags"].split(",") if t.strip()}
        )


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into case number"), max_length=20)


BULK_ACTIONS = [
    ("assign", _("Assign to")),
    ("status", _("Set status")),
    ("tag", _("Add tag")),
    ("merge", _("Merge into the first selected")),
]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTIONS)
    assignee = forms.ModelChoiceField(
        label=_("Agent"), queryset=User.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Ticket.Status.choices], required=False
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"].queryset = staff_queryset()  # type: ignore[attr-defined]


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name this filter"), max_length=80)
    query = forms.CharField(widget=forms.HiddenInput, max_length=1000, required=False)


def canned_replies_for(ticket: Ticket):  # type: ignore[no-untyped-def]
    from django.db.models import Q

    return CannedReply.objects.filter(
        Q(department__isnull=True) | Q(department=ticket.department_id)
    )
