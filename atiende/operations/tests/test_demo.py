from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from atiende.accounts.models import Membership, Organisation, User
from atiende.operations.demo_data import DEMO_PASSWORD, load_demo_data
from atiende.services.models import Service


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates():
    load_demo_data(now=timezone.now())
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Service.objects.count(),
        Membership.objects.count(),
    )
    load_demo_data(now=timezone.now())
    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        Service.objects.count(),
        Membership.objects.count(),
    )
    assert set(Service.objects.values_list("plan__level", flat=True)) == {1, 2, 3}


@pytest.mark.django_db
def test_demo_command_prints_url_and_logins_that_work(client):
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    printed = out.getvalue()
    assert "http://127.0.0.1:8000/" in printed
    assert DEMO_PASSWORD in printed
    assert "luna@tiendaluna.example" in printed
    response = client.post(
        "/accounts/login/",
        {"login": "luna@tiendaluna.example", "password": DEMO_PASSWORD},
        follow=True,
    )
    assert "Hosting WordPress Pro" in response.content.decode()
