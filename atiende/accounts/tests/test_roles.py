import pytest
from django.contrib.auth.models import Group

from atiende.accounts.roles import GROUP_NAMES, Role, has_role, roles_of
from atiende.accounts.tests.factories import make_contact, make_staff


@pytest.mark.django_db
def test_each_role_is_a_group_with_permissions():
    for role, name in GROUP_NAMES.items():
        group = Group.objects.get(name=name)
        assert group.permissions.exists(), role


@pytest.mark.django_db
def test_higher_roles_can_do_more():
    agent, supervisor, admin = (
        make_staff(r) for r in (Role.AGENT, Role.SUPERVISOR, Role.ADMINISTRATOR)
    )
    assert agent.has_perm("accounts.view_console")
    assert not agent.has_perm("accounts.change_organisation")
    assert supervisor.has_perm("accounts.change_organisation")
    assert not supervisor.has_perm("services.change_supportplan")
    assert admin.has_perm("services.change_supportplan")
    assert has_role(admin, Role.ADMINISTRATOR) and not has_role(agent, Role.SUPERVISOR)


@pytest.mark.django_db
def test_customer_contact_has_no_staff_role_and_no_console(client):
    contact = make_contact()
    assert roles_of(contact) == set()
    client.force_login(contact)
    assert client.get("/consola/").status_code == 403
    assert client.get("/admin/").status_code == 302  # admin login page, not the admin


@pytest.mark.django_db
def test_supervisor_opens_the_console_and_sees_customers(client):
    contact = make_contact()
    client.force_login(make_staff(Role.SUPERVISOR))
    response = client.get("/consola/clientes/")
    assert contact.organisations.get().name in response.content.decode()
