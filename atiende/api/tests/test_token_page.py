"""People create and revoke their own API tokens on /cuenta/api/."""

import re

import pytest
from django.test import Client

from atiende.accounts.tests.factories import make_contact
from atiende.api.models import ApiToken

pytestmark = pytest.mark.django_db


def shown_secret(page: str) -> str:
    found = re.search(r'<code class="token-secret">(atd_[^<]+)</code>', page)
    assert found is not None, "the new token is not on the page"
    return found.group(1)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_new_token_is_shown_once_and_works():
    person = make_contact()
    client = logged_in(person)
    page = client.post("/cuenta/api/", {"name": "Facturación"}).content.decode()
    secret = shown_secret(page)
    assert "Copie su nuevo token ahora" in page
    # The secret is not stored, and the list shows only its beginning.
    token = ApiToken.objects.get(user=person)
    assert secret not in token.digest and token.prefix and secret.startswith(token.prefix)
    listing = client.get("/cuenta/api/").content.decode()
    assert "Facturación" in listing and secret not in listing
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/me").json()["email"] == person.email


def test_revoking_a_token_ends_its_access():
    person = make_contact()
    client = logged_in(person)
    page = client.post("/cuenta/api/", {"name": "Monitoreo"}).content.decode()
    secret = shown_secret(page)
    token = ApiToken.objects.get(user=person)
    client.post(f"/cuenta/api/{token.pk}/revocar/")
    assert (
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 401
    )
    assert "Revocado" in client.get("/cuenta/api/").content.decode()


def test_nobody_revokes_another_persons_token():
    owner, intruder = make_contact(), make_contact()
    logged_in(owner).post("/cuenta/api/", {"name": "Mío"})
    token = ApiToken.objects.get(user=owner)
    response = logged_in(intruder).post(f"/cuenta/api/{token.pk}/revocar/", follow=True)
    assert "no existe" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_needs_a_login():
    response = Client().get("/cuenta/api/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
