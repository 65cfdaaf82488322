"""Images and PDFs attached to articles: checked on upload, served only to readers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from atiende.kb.actions import MAX_ATTACHMENT_BYTES, AttachmentRejected, add_attachment
from atiende.kb.models import Article, Attachment
from atiende.kb.tests.factories import NOW, make_article

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (WEBP, "image/webp"),
        (b"GIF89a" + b"0" * 9, "image/gif"),
        (b"\xff\xd8\xff\xe0" + b"0" * 9, "image/jpeg"),
    ],
)
def test_file_type_is_taken_from_its_content(uploads, content, expected):
    article = make_article()
    attachment = add_attachment(
        article, upload=upload("captura.bin", content, "text/plain"), acting_user=None, now=NOW
    )
    assert attachment.content_type == expected


def test_other_files_are_refused_whatever_their_name(uploads):
    article = make_article()
    disguised = upload("foto.png", b"<html><script>alert(1)</script></html>")
    with (
        translation.override("en"),
        pytest.raises(AttachmentRejected, match="Only PNG, JPEG, GIF and WebP images and PDF"),
    ):
        add_attachment(article, upload=disguised, acting_user=None, now=NOW)
    assert not Attachment.objects.exists()


def test_files_over_the_size_limit_are_refused(uploads):
    article = make_article()
    huge = upload("grande.png", PNG + b"\x00" * MAX_ATTACHMENT_BYTES)
    with translation.override("en"), pytest.raises(AttachmentRejected, match="larger than 5 MB"):
        add_attachment(article, upload=huge, acting_user=None, now=NOW)


def test_stored_name_never_comes_from_the_uploader(uploads):
    article = make_article()
    attachment = add_attachment(
        article, upload=upload("../../etc/passwd.png", PNG), acting_user=None, now=NOW
    )
    assert attachment.name == "passwd.png"
    stored = str(attachment.file.name)
    assert stored.startswith(f"kb/{article.pk}/")
    assert ".." not in stored


def test_agent_uploads_from_the_editor_and_gets_the_markdown_to_use(client, agent, uploads):
    article = make_article(published=False)
    client.force_login(agent)
    response = client.post(
        f"/ayuda/editar/{article.pk}/archivos/", {"file": upload("paso 1.png", PNG)}, follow=True
    )
    attachment = Attachment.objects.get()
    assert f"![paso-1.png]({attachment.get_absolute_url()})" in response.content.decode()


def test_refused_upload_shows_a_clear_message(client, agent, uploads):
    article = make_article(published=False)
    client.force_login(agent)
    response = client.post(
        f"/ayuda/editar/{article.pk}/archivos/",
        {"file": upload("virus.png", b"MZ\x90\x00 not an image")},
        follow=True,
    )
    assert "PDF" in response.content.decode()  # the allowed types are named
    assert not Attachment.objects.exists()


def test_image_is_served_inline_to_whoever_may_read_the_article(client, uploads):
    article = make_article()
    attachment = add_attachment(article, upload=upload("a.png", PNG), acting_user=None, now=NOW)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pdf_is_served_as_a_download(client, uploads):
    article = make_article()
    attachment = add_attachment(article, upload=upload("guia.pdf", PDF), acting_user=None, now=NOW)
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("visibility", "published", "reader", "status"),
    [
        (Article.Visibility.AGENTS, True, None, 404),
        (Article.Visibility.AGENTS, True, "customer", 404),
        (Article.Visibility.AGENTS, True, "agent", 200),
        (Article.Visibility.CUSTOMERS, True, None, 404),
        (Article.Visibility.CUSTOMERS, True, "customer", 200),
        (Article.Visibility.PUBLIC, False, None, 404),
        (Article.Visibility.PUBLIC, False, "agent", 200),
    ],
)
def test_file_of_a_hidden_article_is_not_served(
    client, uploads, request, visibility, published, reader, status
):
    article = make_article(visibility=visibility, published=published)
    attachment = add_attachment(article, upload=upload("a.png", PNG), acting_user=None, now=NOW)
    if reader:
        client.force_login(request.getfixturevalue(reader))
    assert client.get(attachment.get_absolute_url()).status_code == status
