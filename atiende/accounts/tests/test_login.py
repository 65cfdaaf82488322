import pytest
from django.urls import reverse

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import PASSWORD, make_contact, make_staff

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_customer_logs_in_with_email_and_lands_in_client_area(client):
    make_contact(email="Cliente@Example.com")
    response = client.post(
        LOGIN, {"login": "cliente@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("clientarea:dashboard")
    assert response.context["user"].email == "cliente@example.com"


@pytest.mark.django_db
def test_agent_lands_in_the_console_after_login(client):
    make_staff(Role.AGENT, email="agente@example.com")
    response = client.post(
        LOGIN, {"login": "agente@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("console:home")


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    make_contact(email="cliente@example.com")
    response = client.post(LOGIN, {"login": "cliente@example.com", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "no son correctas" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_logins_are_throttled_even_with_the_right_password(client):
    make_contact(email="cliente@example.com")
    for _ in range(5):
        client.post(LOGIN, {"login": "cliente@example.com", "password": "wrong"})
    response = client.post(LOGIN, {"login": "cliente@example.com", "password": PASSWORD})
    assert not response.wsgi_request.user.is_authenticated
    assert "Demasiados intentos" in response.content.decode()


@pytest.mark.django_db
def test_signup_is_closed_customers_join_by_invitation(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "nuevo@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not response.wsgi_request.user.is_authenticated
    from atiende.accounts.models import User

    assert not User.objects.filter(email="nuevo@example.com").exists()
