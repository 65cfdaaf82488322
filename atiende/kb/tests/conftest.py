from __future__ import annotations

import pytest

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_contact, make_staff


@pytest.fixture
def customer():
    return make_contact()


@pytest.fixture
def agent():
    return make_staff(Role.AGENT)


@pytest.fixture
def supervisor():
    return make_staff(Role.SUPERVISOR)


@pytest.fixture
def uploads(settings, tmp_path):
    """Attachments go to a temporary folder, never to the data directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None},
        },
    }
    return tmp_path / "uploads"
