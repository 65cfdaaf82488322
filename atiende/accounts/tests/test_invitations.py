import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from atiende.accounts.models import Invitation, Membership, User
from atiende.accounts.tests.factories import make_contact, make_organisation


def invite(client, organisation, email="colega@example.com", **extra):
    return client.post(
        f"/clientes/organizaciones/{organisation.pk}/invitar/", {"email": email, **extra}
    )


def link_in(message) -> str:
    found = re.search(r"https?://[^/\s]+(/cuenta/invitacion/\S+/)", message.body)
    assert found is not None
    return found.group(1)


@pytest.mark.django_db
def test_org_admin_invites_a_colleague_who_joins_and_sees_the_organisation(
    client, django_capture_on_commit_callbacks
):
    organisation = make_organisation("Tienda Luna")
    client.force_login(make_contact(organisation, is_admin=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, organisation)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["colega@example.com"]
    assert "Tienda Luna" in message.subject

    client.logout()
    link = link_in(message)
    page = client.get(link)
    assert "colega@example.com" in page.content.decode()
    joined = client.post(
        link,
        {
            "full_name": "Ana Colega",
            "password1": "clave-larga-2026!",
            "password2": "clave-larga-2026!",
        },
        follow=True,
    )
    assert "Tienda Luna" in joined.content.decode()
    colleague = User.objects.get(email="colega@example.com")
    assert Membership.objects.filter(
        user=colleague, organisation=organisation, is_admin=False
    ).exists()
    # The link works once.
    assert client.get(link).status_code == 404


@pytest.mark.django_db
def test_contact_who_is_not_org_admin_cannot_invite(client):
    organisation = make_organisation()
    client.force_login(make_contact(organisation, is_admin=False))
    assert invite(client, organisation).status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_admin_of_another_organisation_cannot_invite_here(client):
    target = make_organisation()
    client.force_login(make_contact(make_organisation(), is_admin=True))
    assert invite(client, target).status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_expired_invitation_is_refused(client, django_capture_on_commit_callbacks):
    organisation = make_organisation()
    client.force_login(make_contact(organisation, is_admin=True))
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, organisation)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 404
    assert "no es válido o ha expirado" in response.content.decode()


@pytest.mark.django_db
def test_invalid_email_gets_a_clear_error_and_sends_nothing(client):
    organisation = make_organisation()
    client.force_login(make_contact(organisation, is_admin=True))
    response = invite(client, organisation, email="no-es-un-correo")
    assert response.status_code == 400
    assert "correo electrónico válida" in response.content.decode()
    assert mail.outbox == []
