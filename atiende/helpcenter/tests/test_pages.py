import pytest

from atiende.accounts.tests.factories import make_contact


@pytest.mark.django_db
def test_home_is_in_spanish_by_default_with_steps_case_types_and_plans(client):
    page = client.get("/").content.decode()
    assert '<html lang="es">' in page
    assert "Centro de Ayuda y Soporte" in page
    assert "Consulte la Base de Conocimiento" in page
    assert "Genere un Ticket de Soporte" in page
    for impact in (
        "Bajo impacto o prioridad",
        "Medio impacto o prioridad",
        "Alto impacto o prioridad",
    ):
        assert impact in page
    assert "Bloqueo de IP en el firewall" in page
    for name in ("Soporte Nivel 1", "Soporte Nivel 2", "Soporte Nivel 3"):
        assert name in page
    assert "Chatear con ventas" in page


@pytest.mark.django_db
def test_home_shows_each_plans_response_times(client):
    page = client.get("/").content.decode()
    assert "30 minutos" in page  # Level 3, high impact, first response
    assert "Primera respuesta" in page


@pytest.mark.django_db
def test_browser_asking_for_english_gets_english(client):
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in page
    assert "Help and support center" in page
    assert "Level 3 Support" in page
    assert "Low impact or priority" in page


@pytest.mark.django_db
def test_language_switcher_remembers_the_choice(client):
    response = client.post("/cuenta/idioma/", {"language": "en", "next": "/planes/"})
    assert response.status_code == 302 and response["Location"] == "/planes/"
    assert "Support and assistance plans" in client.get("/planes/").content.decode()
    client.post("/cuenta/idioma/", {"language": "es", "next": "/"})
    assert "Planes de soporte y asistencia" in client.get("/planes/").content.decode()


@pytest.mark.django_db
def test_language_switcher_refuses_to_redirect_to_another_site(client):
    response = client.post("/cuenta/idioma/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_logged_in_users_language_is_saved_on_their_account(client):
    contact = make_contact()
    client.force_login(contact)
    client.post("/cuenta/idioma/", {"language": "en", "next": "/"})
    contact.refresh_from_db()
    assert contact.language == "en"


@pytest.mark.django_db
def test_each_plan_has_its_own_page(client):
    page = client.get("/planes/nivel-2/").content.decode()
    assert "Soporte Nivel 2" in page
    assert "Solo para casos que ya tienen un número de ticket" in page
    assert client.get("/planes/nivel-9/").status_code == 404


@pytest.mark.django_db
def test_sitemap_lists_the_plan_pages(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/planes/nivel-1/" in sitemap and "/planes/nivel-3/" in sitemap


@pytest.mark.django_db
def test_sales_chat_entry_point_is_reachable(client):
    page = client.get("/chatear-con-ventas/").content.decode()
    assert "si requieres atención de un agente comercial" in page


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
