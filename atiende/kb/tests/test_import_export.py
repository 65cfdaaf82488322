"""Importing and exporting Markdown articles (``atiende kb import/export``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from atiende.kb.importing import (
    MalformedFile,
    export_directory,
    import_directory,
    parse_article,
)
from atiende.kb.models import Article, Category, Revision
from atiende.kb.search import search_articles
from atiende.kb.tests.factories import NOW, write_article_file

pytestmark = pytest.mark.django_db

FIREWALL_ES = """
id: ip-bloqueada.es
title: Mi IP fue bloqueada por el firewall
category: Seguridad
language: es
case_types: [firewall_ip_block]
"""
FIREWALL_EN = """
id: ip-bloqueada.en
title: "My IP was blocked: what now?"
category: Seguridad
language: en
case_types: [firewall_ip_block, how_to]
"""


@pytest.fixture
def corpus(tmp_path):
    write_article_file(tmp_path, "ip-bloqueada.es.md", FIREWALL_ES, "El firewall bloquea la IP.")
    write_article_file(tmp_path, "ip-bloqueada.en.md", FIREWALL_EN, "The firewall blocks the IP.")
    return tmp_path


def test_import_creates_published_articles_and_their_category(corpus):
    report = import_directory(corpus, now=NOW)
    assert sorted(report.created) == ["ip-bloqueada.en", "ip-bloqueada.es"]
    article = Article.objects.get(import_id="ip-bloqueada.en")
    assert article.title == "My IP was blocked: what now?"
    assert article.is_published and article.language == "en"
    assert article.case_types == ["firewall_ip_block", "how_to"]
    assert article.category == Category.objects.get(name_es="Seguridad")
    assert "<p>The firewall blocks the IP.</p>" in article.body_html


def test_articles_sharing_an_id_stem_are_linked_as_translations(corpus):
    import_directory(corpus, now=NOW)
    spanish = Article.objects.get(import_id="ip-bloqueada.es")
    english = Article.objects.get(import_id="ip-bloqueada.en")
    assert spanish.translation_key == english.translation_key == "ip-bloqueada"


def test_importing_again_changes_nothing(corpus):
    import_directory(corpus, now=NOW)
    report = import_directory(corpus, now=NOW)
    assert report.created == [] and report.updated == []
    assert sorted(report.unchanged) == ["ip-bloqueada.en", "ip-bloqueada.es"]
    assert Article.objects.count() == 2
    assert Revision.objects.count() == 2


def test_reimport_updates_the_article_in_place_with_a_revision(corpus):
    import_directory(corpus, now=NOW)
    original = Article.objects.get(import_id="ip-bloqueada.es")
    write_article_file(corpus, "ip-bloqueada.es.md", FIREWALL_ES, "Texto nuevo sobre ConfigServer.")
    report = import_directory(corpus, now=NOW)
    assert report.updated == ["ip-bloqueada.es"]
    article = Article.objects.get(import_id="ip-bloqueada.es")
    assert (article.pk, article.slug) == (original.pk, original.slug)
    assert "ConfigServer" in article.body_html
    assert article.revisions.count() == 2
    hits = search_articles("configserver", user=AnonymousUser(), language="es")
    assert [hit.article for hit in hits] == [article]


def test_malformed_file_is_reported_by_name_and_the_others_still_import(corpus):
    (corpus / "roto.md").write_text("---\ntitle: Sin id\nlanguage: es\n---\nTexto\n")
    (corpus / "sin-cabecera.md").write_text("# Solo Markdown\n")
    report = import_directory(corpus, now=NOW)
    assert dict(report.errors) == {
        "roto.md": "missing 'id', 'category'",
        "sin-cabecera.md": "no front matter: the file must start with a '---' line",
    }
    assert len(report.created) == 2


def test_two_files_with_the_same_id_are_refused(corpus):
    write_article_file(corpus, "copia.md", FIREWALL_ES)
    report = import_directory(corpus, now=NOW)
    assert report.errors == [
        ("ip-bloqueada.es.md", "id 'ip-bloqueada.es' is also used by copia.md")
    ]


@pytest.mark.parametrize(
    ("front_matter", "reason"),
    [
        ("id: x.es\ntitle: T\ncategory: C\nlanguage: fr", "language 'fr' is not one of es, en"),
        ("id: X Y\ntitle: T\ncategory: C\nlanguage: es", "id 'X Y' must be lowercase"),
        ("id: x.es\ntitle: T\ncategory: C\nlanguage: es\ncase_types: dns", "expected a list"),
        ("id: x.es\ntitle: T\ncategory: C\nlanguage: es\nautor: Ana", "unknown key 'autor'"),
        ("id: x.es\ntitle: 'T\ncategory: C\nlanguage: es", "unterminated single-quoted"),
        ("id: x.es\ntitle: T\ncategory: A / B / C\nlanguage: es", None),
    ],
)
def test_front_matter_problems_are_explained(front_matter, reason):
    text = f"---\n{front_matter}\n---\nCuerpo\n"
    if reason is None:
        assert parse_article(text).category == "A / B / C"  # checked on import
        return
    with pytest.raises(MalformedFile, match=reason):
        parse_article(text)


def test_category_nested_more_than_one_level_is_an_import_error(tmp_path):
    write_article_file(tmp_path, "x.md", "id: x.es\ntitle: T\ncategory: A / B / C\nlanguage: es")
    with translation.override("en"):
        report = import_directory(tmp_path, now=NOW)
    assert report.errors[0][0] == "x.md"
    assert "one level" in report.errors[0][1]


def test_subcategory_path_creates_both_levels(tmp_path):
    write_article_file(
        tmp_path, "x.md", "id: x.es\ntitle: T\ncategory: Correo / Configuración\nlanguage: es"
    )
    import_directory(tmp_path, now=NOW)
    child = Category.objects.select_related("parent").get(name_es="Configuración")
    assert child.parent == Category.objects.get(name_es="Correo")


def test_export_then_import_round_trips(corpus, tmp_path_factory):
    import_directory(corpus, now=NOW)
    article = Article.objects.get(import_id="ip-bloqueada.es")
    article.visibility = Article.Visibility.AGENTS  # a non-default value must survive too
    article.save(update_fields=["visibility"])
    exported = tmp_path_factory.mktemp("export")
    assert export_directory(exported) == 2
    text = (exported / "ip-bloqueada.en.md").read_text()
    assert text.startswith('---\nid: ip-bloqueada.en\ntitle: "My IP was blocked: what now?"')
    report = import_directory(exported, now=NOW)
    assert report.errors == [] and report.updated == []
    assert sorted(report.unchanged) == ["ip-bloqueada.en", "ip-bloqueada.es"]
    parsed = parse_article((exported / "ip-bloqueada.es.md").read_text())
    assert parsed.visibility == "agents"


def test_imported_articles_get_short_links_from_their_ids(corpus):
    import_directory(corpus, now=NOW)
    assert Article.objects.get(import_id="ip-bloqueada.es").slug == "ip-bloqueada"
    assert Article.objects.get(import_id="ip-bloqueada.en").slug == "ip-bloqueada-en"


def test_draft_status_in_the_file_unpublishes_on_reimport(corpus):
    import_directory(corpus, now=NOW)
    write_article_file(
        corpus, "ip-bloqueada.es.md", FIREWALL_ES + "status: draft", "El firewall bloquea la IP."
    )
    report = import_directory(corpus, now=NOW)
    assert report.updated == ["ip-bloqueada.es"]
    assert Article.objects.get(import_id="ip-bloqueada.es").status == Article.Status.DRAFT


def test_demo_articles_load_once(customer):
    from atiende.kb.demo import load_demo_articles

    created = load_demo_articles(now=NOW)
    assert created >= 8
    assert load_demo_articles(now=NOW) == 0
    agents_only = Article.objects.filter(visibility=Article.Visibility.AGENTS)
    assert agents_only.exists()
    hits = search_articles("desbloquear ip firewall", user=customer, language="es")
    assert not any(hit.article in agents_only for hit in hits)
