from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _zone_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("Same as the company"))] + [
        (name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name
    ]


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("time zone"), choices=_zone_choices, required=False)

    class Meta:
        model = User
        fields = ["full_name", "phone", "language", "time_zone"]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(
                    str(first), User(email=self.email, full_name=str(data.get("full_name", "")))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))
    as_admin = forms.BooleanField(label=_("They may also invite colleagues"), required=False)
