import pytest

from atiende.accounts.tests.factories import make_contact, make_organisation, make_service


@pytest.fixture
def two_customers():
    luna = make_organisation("Tienda Luna")
    tornillo = make_organisation("Ferretería El Tornillo")
    return {
        "luna": luna,
        "tornillo": tornillo,
        "luna_service": make_service(luna, level=2, name="Hosting WordPress Pro"),
        "tornillo_service": make_service(tornillo, level=1, name="Hosting Básico"),
    }


@pytest.mark.django_db
def test_contact_sees_their_services_with_status_and_plan(client, two_customers):
    client.force_login(make_contact(two_customers["luna"]))
    page = client.get("/clientes/").content.decode()
    assert "Hosting WordPress Pro" in page
    assert "Soporte Nivel 2" in page
    assert "Activo" in page


@pytest.mark.django_db
def test_contact_never_sees_another_organisations_services(client, two_customers):
    client.force_login(make_contact(two_customers["luna"]))
    page = client.get("/clientes/").content.decode()
    assert "Hosting Básico" not in page
    assert "Ferretería El Tornillo" not in page


@pytest.mark.django_db
def test_another_organisations_service_by_direct_url_is_not_found(client, two_customers):
    client.force_login(make_contact(two_customers["luna"]))
    assert (
        client.get(f"/clientes/servicios/{two_customers['tornillo_service'].pk}/").status_code
        == 404
    )
    assert client.get(f"/clientes/servicios/{two_customers['luna_service'].pk}/").status_code == 200


@pytest.mark.django_db
def test_another_organisation_page_by_direct_url_is_not_found(client, two_customers):
    client.force_login(make_contact(two_customers["luna"]))
    assert (
        client.get(f"/clientes/organizaciones/{two_customers['tornillo'].pk}/").status_code == 404
    )


@pytest.mark.django_db
def test_contact_of_two_organisations_sees_both(client, two_customers):
    contact = make_contact(two_customers["luna"])
    contact.memberships.create(organisation=two_customers["tornillo"])
    client.force_login(contact)
    page = client.get("/clientes/").content.decode()
    assert "Hosting WordPress Pro" in page and "Hosting Básico" in page


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, two_customers):
    response = client.get(f"/clientes/servicios/{two_customers['luna_service'].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_service_page_shows_the_plans_channels(client, two_customers):
    client.force_login(make_contact(two_customers["tornillo"]))
    page = client.get(
        f"/clientes/servicios/{two_customers['tornillo_service'].pk}/"
    ).content.decode()
    assert "Ticket" in page
    assert "no incluido en su plan" in page  # Level 1 has no chat or phone


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_services(client, django_assert_max_num_queries):
    organisation = make_organisation()
    contact = make_contact(organisation)
    for level in (1, 2, 3):
        make_service(organisation, level=level)
    client.force_login(contact)
    client.get("/clientes/")  # warm the session
    with django_assert_max_num_queries(14) as few:
        client.get("/clientes/")
    for _ in range(20):
        make_service(organisation, level=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/clientes/")
    assert response.content.decode().count('class="card service"') == 23
