import re

import pytest
from django.core import mail

from atiende.accounts.tests.factories import make_contact


@pytest.mark.django_db
def test_password_reset_mail_lets_the_customer_choose_a_new_password(client):
    make_contact(email="cliente@example.com")
    client.post("/accounts/password/reset/", {"email": "cliente@example.com"})
    [message] = mail.outbox
    assert message.to == ["cliente@example.com"]
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", str(message.body))
    assert found is not None
    link = found.group(1)

    form_page = client.get(link, follow=True)
    new_password = "otra-clave-muy-segura-2026"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
        follow=True,
    )
    assert done.status_code == 200

    logged_in = client.post(
        "/accounts/login/", {"login": "cliente@example.com", "password": new_password}, follow=True
    )
    assert logged_in.context["user"].is_authenticated


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_no_account_details(client):
    client.post("/accounts/password/reset/", {"email": "nadie@example.com"})
    # allauth tells unknown addresses that no account exists, without leaking others.
    assert all("password/reset/key" not in m.body for m in mail.outbox)
