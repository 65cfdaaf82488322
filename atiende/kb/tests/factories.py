"""Knowledge-base factories: categories and articles made through the domain actions,
so they are rendered and indexed exactly as in production."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from atiende.kb.actions import ArticleContent, create_article, get_or_create_category
from atiende.kb.models import Article, Category

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
_numbers = count(1)


def make_category(path: str = "Correo") -> Category:
    return get_or_create_category(path)


def make_article(
    title: str | None = None,
    body: str = "Texto del artículo.",
    *,
    language: str = "es",
    visibility: str = Article.Visibility.PUBLIC,
    published: bool = True,
    category: Category | None = None,
    import_id: str = "",
    summary: str = "",
    case_types: tuple[str, ...] = (),
) -> Article:
    number = next(_numbers)
    return create_article(
        content=ArticleContent(
            title=title or f"Artículo {number}",
            body=body,
            category=category or make_category(),
            summary=summary,
            visibility=visibility,
            case_types=case_types,
        ),
        language=language,
        import_id=import_id or f"articulo-{number}.{language}",
        acting_user=None,
        now=NOW,
        publish=published,
    )


def write_article_file(directory, name: str, front_matter: str, body: str = "Cuerpo.") -> None:
    (directory / name).write_text(f"---\n{front_matter.strip()}\n---\n\n{body}\n", encoding="utf-8")
