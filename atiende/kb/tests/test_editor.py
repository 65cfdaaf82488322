"""The console editor: drafts, publishing rights, proposals, history and restore."""

from __future__ import annotations

import pytest

from atiende.kb.actions import (
    ArticleContent,
    PublishNotAllowed,
    publish_article,
    restore_revision,
    update_article,
)
from atiende.kb.models import Article, Revision
from atiende.kb.tests.factories import NOW, make_article, make_category

pytestmark = pytest.mark.django_db


def form_data(article: Article | None = None, **changes) -> dict[str, str]:
    category = article.category if article else make_category()
    data = {
        "title": article.title if article else "Nuevo artículo",
        "category": str(category.pk),
        "language": "es",
        "visibility": article.visibility if article else "public",
        "summary": "",
        "body": article.body if article else "## Uno\n\nTexto.",
        "case_types": "",
        "owner": "",
        "last_reviewed_on": "",
        "translation_key": article.translation_key if article else "",
        "related": "",
        "action": "save",
    }
    return {**data, **changes}


def test_customers_and_visitors_cannot_open_the_editor(client, customer):
    assert client.get("/ayuda/editar/").status_code == 302  # to the login page
    client.force_login(customer)
    assert client.get("/ayuda/editar/").status_code == 403
    assert client.get("/ayuda/editar/nuevo/").status_code == 403


def test_agent_creates_a_draft_that_readers_do_not_see(client, agent):
    client.force_login(agent)
    response = client.post("/ayuda/editar/nuevo/", form_data(title="Guía de FTP"))
    article = Article.objects.get(title="Guía de FTP")
    assert response["Location"] == f"/ayuda/editar/{article.pk}/"
    assert article.status == Article.Status.DRAFT and article.owner == agent
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_agent_is_not_offered_publishing_and_cannot_force_it(client, agent):
    client.force_login(agent)
    page = client.get("/ayuda/editar/nuevo/").content.decode()
    assert 'value="publish"' not in page
    client.post("/ayuda/editar/nuevo/", form_data(title="Intento", action="publish"))
    assert not Article.objects.filter(title="Intento", status="published").exists()
    draft = make_article("Borrador", published=False)
    assert client.post(f"/ayuda/editar/{draft.pk}/publicar/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_supervisor_saves_and_publishes_in_one_step(client, supervisor):
    client.force_login(supervisor)
    client.post("/ayuda/editar/nuevo/", form_data(title="Publicado ya", action="publish"))
    article = Article.objects.get(title="Publicado ya")
    assert article.is_published and article.published_at is not None
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_agent_change_to_a_published_article_waits_for_a_supervisor(client, agent, supervisor):
    article = make_article("Texto publicado", "Versión original.")
    client.force_login(agent)
    client.post(f"/ayuda/editar/{article.pk}/", form_data(article, body="Versión propuesta."))
    article.refresh_from_db()
    assert "Versión original." in article.body_html  # readers still see this
    assert article.pending_revision is not None
    assert article.pending_revision.body == "Versión propuesta."
    # The agent keeps working on the proposal, not on the published text.
    assert "Versión propuesta." in client.get(f"/ayuda/editar/{article.pk}/").content.decode()

    client.force_login(supervisor)
    client.post(f"/ayuda/editar/{article.pk}/publicar/")
    article.refresh_from_db()
    assert "Versión propuesta." in article.body_html and article.pending_revision is None
    kinds = list(article.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["created", "proposed", "published"]


def test_publish_action_refuses_users_without_the_permission(agent):
    draft = make_article(published=False)
    with pytest.raises(PublishNotAllowed):
        publish_article(draft, acting_user=agent, now=NOW)


def test_every_saved_change_writes_a_revision_with_its_author(agent):
    article = make_article("Uno", "Primera versión.", published=False)
    for body in ("Segunda versión.", "Tercera versión."):
        update_article(
            article,
            content=ArticleContent(title="Uno", body=body, category=article.category),
            acting_user=agent,
            now=NOW,
        )
    numbers = list(article.revisions.order_by("number").values_list("number", "author"))
    assert numbers == [(1, None), (2, agent.pk), (3, agent.pk)]


def test_saving_without_changes_writes_no_revision(agent):
    article = make_article("Uno", "Texto.", published=False)
    update_article(article, content=ArticleContent.of(article), acting_user=agent, now=NOW)
    assert article.revisions.count() == 1


def test_restoring_a_revision_brings_its_text_back_as_a_new_revision(supervisor):
    article = make_article("Uno", "Texto bueno.")
    update_article(
        article,
        content=ArticleContent(title="Uno", body="Texto roto.", category=article.category),
        acting_user=supervisor,
        now=NOW,
    )
    first = article.revisions.get(number=1)
    restored = restore_revision(first, acting_user=supervisor, now=NOW)
    assert "Texto bueno." in restored.body_html
    latest = restored.revisions.order_by("-number")[0]
    assert (latest.number, latest.kind, latest.restored_from) == (3, "restored", 1)


def test_revision_page_shows_the_diff(client, agent):
    article = make_article("Uno", "Línea que se queda.\nLínea vieja.", published=False)
    update_article(
        article,
        content=ArticleContent(
            title="Uno", body="Línea que se queda.\nLínea nueva.", category=article.category
        ),
        acting_user=agent,
        now=NOW,
    )
    client.force_login(agent)
    html = client.get(f"/ayuda/editar/{article.pk}/revisiones/2/").content.decode()
    assert '<span class="kb-diff-removed">- Línea vieja.</span>' in html
    assert '<span class="kb-diff-added">+ Línea nueva.</span>' in html


def test_restore_from_the_history_page(client, supervisor):
    article = make_article("Uno", "Original.")
    update_article(
        article,
        content=ArticleContent(title="Uno", body="Cambiado.", category=article.category),
        acting_user=supervisor,
        now=NOW,
    )
    client.force_login(supervisor)
    response = client.post(f"/ayuda/editar/{article.pk}/revisiones/1/restaurar/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Original."
    history = client.get(f"/ayuda/editar/{article.pk}/revisiones/").content.decode()
    assert f"/ayuda/editar/{article.pk}/revisiones/2/restaurar/" in history


def test_preview_renders_markdown_with_htmx(client, agent):
    client.force_login(agent)
    response = client.post(
        "/ayuda/editar/vista-previa/",
        {"body": "## Título\n\n<script>x</script>**negrita**"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert '<h2 id="titulo">Título</h2>' in html and "<strong>negrita</strong>" in html
    assert "<script>" not in html


def test_preview_button_works_without_javascript(client, agent):
    client.force_login(agent)
    response = client.post(
        "/ayuda/editar/nuevo/", form_data(body="**vista previa**", action="preview")
    )
    assert "<strong>vista previa</strong>" in response.content.decode()
    assert not Article.objects.exists()


def test_invalid_case_type_codes_are_explained(client, agent):
    client.force_login(agent)
    response = client.post("/ayuda/editar/nuevo/", form_data(case_types="DNS Config"))
    assert response.status_code == 200
    assert "dns_configuration" in response.content.decode()
    assert not Article.objects.exists()


def test_related_articles_and_translation_key_are_saved(client, agent):
    other = make_article("Otro", import_id="otro.es")
    article = make_article("Uno", published=False)
    client.force_login(agent)
    client.post(
        f"/ayuda/editar/{article.pk}/",
        form_data(article, related="otro.es", translation_key="mi-clave"),
    )
    article.refresh_from_db()
    assert list(article.related.all()) == [other]
    assert article.translation_key == "mi-clave"


def test_editor_list_shows_pending_changes_filter(client, agent):
    article = make_article("Publicado")
    update_article(
        article,
        content=ArticleContent(title="Publicado", body="Propuesta.", category=article.category),
        acting_user=agent,
        now=NOW,
    )
    make_article("Sin cambios")
    client.force_login(agent)
    html = client.get("/ayuda/editar/?status=pending").content.decode()
    assert "Publicado" in html and "Sin cambios" not in html


def test_supervisor_deletes_an_article_and_its_index_entries(client, supervisor):
    from django.contrib.auth.models import AnonymousUser

    from atiende.kb.search import search_articles

    article = make_article("Eliminable", "Palabra única zafiro.")
    client.force_login(supervisor)
    client.post(f"/ayuda/editar/{article.pk}/eliminar/")
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Revision.objects.filter(article_id=article.pk).exists()
    assert search_articles("zafiro", user=AnonymousUser(), language="es") == []


def test_agent_may_not_delete(client, agent):
    article = make_article("No se borra")
    client.force_login(agent)
    assert client.post(f"/ayuda/editar/{article.pk}/eliminar/").status_code == 403
