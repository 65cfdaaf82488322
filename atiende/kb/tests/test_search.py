"""Search as readers experience it. Runs on SQLite and on PostgreSQL (the suite runs twice)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from atiende.kb.actions import ArticleContent, update_article
from atiende.kb.models import Article
from atiende.kb.search import search_articles, suggest_articles
from atiende.kb.tests.factories import NOW, make_article

pytestmark = pytest.mark.django_db
visitor = AnonymousUser()


def titles(query: str, user=visitor, language: str = "es", **options) -> list[str]:
    return [
        hit.article.title for hit in search_articles(query, user=user, language=language, **options)
    ]


@pytest.fixture
def firewall():
    return make_article(
        "Mi IP fue bloqueada por el firewall",
        "Cuando hay varios intentos fallidos de inicio de sesión, el firewall bloquea la IP.",
    )


@pytest.fixture
def password():
    return make_article(
        "Cambiar la contraseña del correo",
        "Entre al webmail y cambie la contraseña de la cuenta de correo.",
    )


def test_finds_an_article_by_the_words_of_its_title(firewall, password):
    assert titles("firewall")[0] == firewall.title


def test_accents_do_not_matter_either_way(password):
    assert titles("contrasena") == [password.title]
    accented = make_article("Configuración de DNS", "Registros del dominio.")
    assert titles("configuracion dns")[0] == accented.title


def test_plural_and_verb_forms_find_each_other(firewall):
    assert titles("bloqueos de ip") == [firewall.title]


def test_a_misspelt_word_still_finds_the_article():
    make_article("Instalar un certificado SSL", "El certificado se renueva solo.")
    assert titles("sertificado")[0] == "Instalar un certificado SSL"
    assert titles("certifcado")[0] == "Instalar un certificado SSL"


def test_colloquial_spelling_of_verbs_is_understood(firewall):
    assert titles("me bloquiaron la ip")[0] == firewall.title


def test_a_partly_typed_word_is_completed(password, firewall):
    assert titles("contras") == [password.title]
    assert titles("firew")[0] == firewall.title


def test_synonyms_find_articles_written_with_other_words():
    spam = make_article("Mis correos llegan a spam", "Configure SPF y DKIM en su dominio.")
    make_article("Crear una cuenta de correo", "Pasos para crear un buzón.")
    assert titles("mis mensajes llegan a correo no deseado")[0] == spam.title
    assert titles("emails going to junk", language="en")[0] == spam.title


def test_english_query_finds_spanish_article_through_shared_concepts():
    backup = make_article(
        "Restaurar una copia de seguridad", "Pida la restauración de la copia desde JetBackup."
    )
    assert titles("restore a backup", language="en")[0] == backup.title


def test_title_match_ranks_above_a_passing_mention():
    mention = make_article(
        "Configurar Outlook",
        "Si cambió el puerto del correo, revise también el certificado SSL de su sitio.",
    )
    about = make_article("Instalar el certificado SSL", "Pasos para instalar AutoSSL.")
    assert titles("certificado ssl")[:2] == [about.title, mention.title]


def test_results_show_a_snippet_with_the_query_words_marked(password):
    [hit] = search_articles("contraseña", user=visitor, language="es")
    assert "<mark>contraseña</mark>" in hit.snippet


def test_snippet_escapes_article_text():
    make_article("Etiquetas HTML", "Escriba `<script>alert(1)</script>` en el campo de etiquetas.")
    [hit] = search_articles("etiquetas", user=visitor, language="es")
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


def test_readers_own_language_comes_first_among_translations():
    spanish = make_article(
        "Sitio caído", "El servidor no responde.", import_id="sitio-caido.es", language="es"
    )
    english = make_article(
        "Website down", "The server does not respond.", import_id="sitio-caido.en", language="en"
    )
    assert titles("servidor caido", language="en")[:2] == [english.title, spanish.title]
    assert titles("website server down", language="es")[0] == spanish.title


def test_search_ignores_empty_and_stop_word_queries(password):
    assert titles("") == []
    assert titles("   ") == []
    assert titles("de la el") == []


def test_punctuation_and_operators_in_queries_are_harmless(password):
    for query in ['"contraseña', "contraseña OR *", "NEAR(a b)", "correo:", "(((", "a' --"]:
        titles(query)  # no error


def test_case_type_lifts_articles_written_for_it():
    general = make_article("Problemas de correo", "Revise el correo.")
    dns = make_article("Correo y DNS", "Revise el correo.", case_types=("dns_configuration",))
    assert titles("correo", case_type="dns_configuration")[0] == dns.title
    assert general.title in titles("correo", case_type="dns_configuration")


def test_suggestions_for_a_ticket_use_the_same_search(firewall):
    hits = suggest_articles(
        "Hola, desde la oficina no abre el cPanel, creo que bloquearon la IP",
        user=visitor,
        language="es",
    )
    assert hits[0].article == firewall


def test_edited_article_is_found_by_its_new_words_only(password):
    update_article(
        password,
        content=ArticleContent(
            title="Cambiar el idioma del webmail",
            body="Use las preferencias.",
            category=password.category,
        ),
        acting_user=None,
        now=NOW,
    )
    assert titles("idioma") == ["Cambiar el idioma del webmail"]
    assert titles("contraseña") == []


# --- Visibility: applied inside the query -------------------------------------------


@pytest.fixture
def articles_for_each_audience():
    make_article("Desbloquear IP pública", visibility=Article.Visibility.PUBLIC)
    make_article("Desbloquear IP clientes", visibility=Article.Visibility.CUSTOMERS)
    make_article("Desbloquear IP agentes", visibility=Article.Visibility.AGENTS)
    make_article("Desbloquear IP borrador", published=False)


def test_anonymous_visitor_finds_only_published_public_articles(articles_for_each_audience):
    assert titles("desbloquear ip") == ["Desbloquear IP pública"]


def test_customer_also_finds_customer_articles_never_agent_ones(
    articles_for_each_audience, customer
):
    assert sorted(titles("desbloquear ip", user=customer)) == [
        "Desbloquear IP clientes",
        "Desbloquear IP pública",
    ]


def test_agent_finds_every_article_including_drafts(articles_for_each_audience, agent):
    assert len(titles("desbloquear ip", user=agent)) == 4


def test_user_without_organisation_searches_as_the_public(articles_for_each_audience):
    from atiende.accounts.tests.factories import make_user

    assert titles("desbloquear ip", user=make_user()) == ["Desbloquear IP pública"]


def test_hidden_articles_do_not_push_visible_ones_out_of_the_results(agent):
    for number in range(12):
        make_article(f"Firewall interno {number}", visibility=Article.Visibility.AGENTS)
    public = make_article("Firewall para clientes", "Otro texto.")
    assert titles("firewall", limit=3) == [public.title]


def test_unpublished_article_disappears_from_search(supervisor):
    from atiende.kb.actions import unpublish_article

    article = make_article("Guía de FTP", "Conexión con FileZilla.")
    unpublish_article(article, acting_user=supervisor, now=NOW)
    assert titles("filezilla") == []
    assert titles("filezilla", user=supervisor) == ["Guía de FTP"]
