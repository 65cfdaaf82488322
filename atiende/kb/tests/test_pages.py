"""The public knowledge-base pages and the help-center search page."""

from __future__ import annotations

import pytest

from atiende.kb.models import Article, Feedback, SuggestionClick
from atiende.kb.tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

LONG_BODY = "\n\n".join(f"## Paso {n}\n\nTexto del paso {n}." for n in range(1, 5))


@pytest.fixture
def library():
    security = make_category("Seguridad")
    return {
        "public": make_article("Desbloquear mi IP", LONG_BODY, category=security),
        "customers": make_article(
            "Migración gratuita", category=security, visibility=Article.Visibility.CUSTOMERS
        ),
        "agents": make_article(
            "Procedimiento interno de desbloqueo",
            category=security,
            visibility=Article.Visibility.AGENTS,
        ),
        "draft": make_article("Borrador sobre IPs", category=security, published=False),
    }


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_knowledge_base_lists_categories_with_their_article_count(client, library):
    html = page(client, "/ayuda/")
    assert "Seguridad" in html
    assert "Desbloquear mi IP" in html  # most read
    assert "Procedimiento interno" not in html


def test_category_with_only_hidden_articles_is_not_listed(client):
    make_article("Interno", category=make_category("Procedimientos"), visibility="agents")
    assert "Procedimientos" not in page(client, "/ayuda/")


def test_category_page_lists_what_the_reader_may_see(client, library, customer, agent):
    url = library["public"].category.get_absolute_url()
    anonymous = page(client, url)
    assert "Desbloquear mi IP" in anonymous
    assert "Migración gratuita" not in anonymous
    client.force_login(customer)
    as_customer = page(client, url)
    assert "Migración gratuita" in as_customer
    assert "Procedimiento interno" not in as_customer and "Borrador" not in as_customer
    client.force_login(agent)
    as_agent = page(client, url)
    assert "Procedimiento interno" in as_agent and "Borrador sobre IPs" in as_agent


@pytest.mark.parametrize(
    ("reader", "visible"),
    [
        (None, {"public"}),
        ("customer", {"public", "customers"}),
        ("agent", {"public", "customers", "agents", "draft"}),
    ],
)
def test_article_pages_are_404_for_readers_who_may_not_see_them(
    client, library, reader, visible, request
):
    if reader:
        client.force_login(request.getfixturevalue(reader))
    for name, article in library.items():
        status = client.get(article.get_absolute_url()).status_code
        assert status == (200 if name in visible else 404), name


def test_article_page_has_breadcrumb_toc_title_and_description(client, library):
    html = page(client, library["public"].get_absolute_url())
    assert "<title>Desbloquear mi IP ·" in html
    assert '<meta name="description" content="Paso 1 Texto del paso 1.' in html
    assert 'class="breadcrumb"' in html and ">Seguridad</a>" in html
    assert 'class="kb-toc"' in html and 'href="#paso-3"' in html
    assert '<h2 id="paso-3">Paso 3</h2>' in html


def test_short_article_has_no_table_of_contents(client):
    article = make_article("Corto", "## Uno\n\nTexto.")
    assert 'class="kb-toc"' not in page(client, article.get_absolute_url())


def test_article_body_is_sanitised(client):
    article = make_article(
        "Peligro",
        '<script>alert(1)</script>\n\n[clic](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    html = page(client, article.get_absolute_url())
    assert "<script>alert" not in html
    assert "javascript:" not in html and "onerror" not in html


def test_article_links_to_its_translation(client):
    spanish = make_article("Sitio caído", import_id="sitio-caido.es")
    english = make_article("Website down", import_id="sitio-caido.en", language="en")
    html = page(client, spanish.get_absolute_url())
    assert f'href="{english.get_absolute_url()}" hreflang="en"' in html


def test_each_view_is_counted(client, library):
    article = library["public"]
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.view_count == 2


def test_feedback_is_one_vote_per_session_and_can_be_changed(client, library):
    article = library["public"]
    url = f"{article.get_absolute_url()}opinion/"
    response = client.post(url, {"helpful": "no", "comment": "Falta un paso"})
    assert response.status_code == 302
    client.post(url, {"helpful": "yes", "comment": ""})
    [vote] = Feedback.objects.filter(article=article)
    assert vote.helpful is True
    assert 'name="helpful"' not in page(client, article.get_absolute_url())  # thanked instead


def test_feedback_from_another_session_is_another_vote(client, django_user_model, library):
    from django.test import Client

    url = f"{library['public'].get_absolute_url()}opinion/"
    client.post(url, {"helpful": "yes"})
    Client().post(url, {"helpful": "no"})
    assert Feedback.objects.filter(article=library["public"]).count() == 2


def test_feedback_with_htmx_returns_the_thank_you_partial(client, library):
    url = f"{library['public'].get_absolute_url()}opinion/"
    response = client.post(url, {"helpful": "yes"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="feedback"' in html and "<html" not in html


def test_feedback_on_a_hidden_article_is_refused(client, library):
    response = client.post(f"{library['agents'].get_absolute_url()}opinion/", {"helpful": "yes"})
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_sitemap_lists_public_published_articles_only(client, library):
    sitemap = page(client, "/sitemap.xml")
    assert library["public"].get_absolute_url() in sitemap
    for hidden in ("customers", "agents", "draft"):
        assert library[hidden].get_absolute_url() not in sitemap


# --- Search page ----------------------------------------------------------------------


def test_search_page_shows_results_with_snippets(client, library):
    html = page(client, "/buscar/?q=desbloquear paso")
    assert "Desbloquear mi IP" in html
    assert "<mark>" in html
    assert "Procedimiento interno" not in html


def test_search_page_with_htmx_returns_only_the_results(client, library):
    response = client.get("/buscar/?q=desbloq", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Desbloquear mi IP" in html
    assert "<html" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_search_page_says_so_when_nothing_matches(client, library):
    html = page(client, "/buscar/?q=zzzzzz")
    assert "zzzzzz" in html and "Desbloquear mi IP" not in html


def test_search_page_without_query_links_to_the_categories(client):
    assert 'href="/ayuda/"' in page(client, "/buscar/")


# --- Deflection ----------------------------------------------------------------------------


def test_suggestions_partial_lists_links_that_record_the_click(client, library, customer):
    client.force_login(customer)
    html = page(client, "/ayuda/sugerencias/?q=no puedo desbloquear la ip")
    assert f"/ayuda/sugerencias/{library['public'].pk}/?q=" in html
    assert "Procedimiento interno" not in html


def test_suggestions_read_the_ticket_forms_own_fields(client, library):
    html = page(client, "/ayuda/sugerencias/?subject=Ayuda&body=no+puedo+desbloquear+la+ip")
    assert f"/ayuda/sugerencias/{library['public'].pk}/" in html


def test_suggestions_for_nothing_typed_are_empty(client, library):
    assert "<li>" not in page(client, "/ayuda/sugerencias/?q=")


def test_opening_a_suggestion_records_it_and_shows_the_article(client, library, customer):
    client.force_login(customer)
    article = library["public"]
    response = client.get(f"/ayuda/sugerencias/{article.pk}/?q=ip bloqueada")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    [click] = SuggestionClick.objects.all()
    assert (click.article, click.user, click.query) == (article, customer, "ip bloqueada")


def test_anonymous_suggestion_click_is_recorded_by_session(client, library):
    client.get(f"/ayuda/sugerencias/{library['public'].pk}/")
    [click] = SuggestionClick.objects.all()
    assert click.user is None and click.session_key


def test_suggestion_click_on_a_hidden_article_is_404(client, library, customer):
    client.force_login(customer)
    assert client.get(f"/ayuda/sugerencias/{library['agents'].pk}/").status_code == 404
    assert not SuggestionClick.objects.exists()


# --- Query counts on the hot pages -----------------------------------------------------


def test_category_page_query_count_does_not_grow_with_articles(
    client, django_assert_max_num_queries
):
    category = make_category("Correo")
    for number in range(15):
        make_article(f"Correo {number}", category=category)
    with django_assert_max_num_queries(6):
        client.get(category.get_absolute_url())


def test_search_page_query_count_is_bounded(client, customer, django_assert_max_num_queries):
    for number in range(15):
        make_article(f"Contraseña del correo {number}", "Cambie la clave del buzón.")
    client.force_login(customer)
    # Session and user, audience (groups, organisations), vocabulary lookups, ranking, articles.
    with django_assert_max_num_queries(10):
        response = client.get("/buscar/?q=contrasena del corre")
    assert response.content.decode().count('class="kb-hit"') == 10
