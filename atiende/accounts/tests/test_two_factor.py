import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import PASSWORD, make_staff


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@pytest.mark.django_db
def test_administrator_without_two_factor_is_sent_to_set_it_up(client):
    admin = make_staff(Role.ADMINISTRATOR, email="admin@example.com")
    client.force_login(admin)
    response = client.get("/consola/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")


@pytest.mark.django_db
def test_agent_may_work_without_two_factor(client):
    client.force_login(make_staff(Role.AGENT))
    assert client.get("/consola/").status_code == 200


@pytest.mark.django_db
def test_administrator_with_totp_must_enter_a_code_to_log_in(client):
    admin = make_staff(Role.ADMINISTRATOR, email="admin@example.com")
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)

    response = client.post("/accounts/login/", {"login": "admin@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    assert not client.get("/consola/").wsgi_request.user.is_authenticated

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert not wrong.wsgi_request.user.is_authenticated

    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.get("/consola/").status_code == 200
