"""Markdown files with front matter in and out of the knowledge base.

One article per file::

    ---
    id: apuntar-dominio-hosting.es
    title: Apuntar su dominio al hosting (cambiar los nameservers)
    category: Dominios y DNS
    language: es
    case_types: [dns_configuration]
    ---

    Markdown body…

``id`` identifies the article across imports: importing again updates it in
place. Articles whose ids share a stem and differ only in the language suffix
(``….es`` / ``….en``) are linked as translations. ``category`` is a Spanish
category name, or ``Parent / Child``; missing categories are created.
Optional keys, written by ``export`` only when they differ from the default:
``summary``, ``visibility`` (public | customers | agents) and ``status``
(published | draft; an imported article is published unless it says draft).

The front matter is the small, flat subset of YAML the format needs, parsed
here rather than pulling in a YAML library: ``key: value`` lines, values
plain, 'single-' or "double-quoted", or a ``[flow, list]``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from atiende.kb.actions import (
    ArticleContent,
    KnowledgeBaseError,
    category_path,
    create_article,
    get_or_create_category,
    publish_article,
    unpublish_article,
    update_article,
)
from atiende.kb.models import Article, Language, Revision

REQUIRED_KEYS = ("id", "title", "category", "language")
OPTIONAL_KEYS = ("case_types", "summary", "visibility", "status")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,148}$")
_CODE = re.compile(r"^[a-z0-9_]{1,60}$")
_KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s?(.*)$")


class MalformedFile(ValueError):
    """The file is not a valid article; the message says why."""


@dataclass(frozen=True)
class ArticleFile:
    import_id: str
    title: str
    category: str
    language: str
    body: str
    case_types: tuple[str, ...] = ()
    summary: str = ""
    visibility: str = Article.Visibility.PUBLIC
    status: str | None = None  # None: published when new, unchanged when updating

    @property
    def translation_key(self) -> str:
        return self.import_id.removesuffix(f".{self.language}")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)

    def summary(self) -> str:
        return (
            f"created: {len(self.created)}  updated: {len(self.updated)}  "
            f"unchanged: {len(self.unchanged)}  errors: {len(self.errors)}"
        )


# --- Parsing ----------------------------------------------------------------------


def _scalar(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise MalformedFile(f"bad double-quoted value {raw!r}") from None
        if not isinstance(value, str):
            raise MalformedFile(f"bad double-quoted value {raw!r}")
        return value
    if raw.startswith("'"):
        if len(raw) < 2 or not raw.endswith("'"):
            raise MalformedFile(f"unterminated single-quoted value {raw!r}")
        return raw[1:-1].replace("''", "'")
    # A plain scalar ends at " #" (a YAML comment).
    return raw.split(" #", 1)[0].strip()


def _flow_list(raw: str) -> list[str]:
    raw = raw.strip()
    if not (raw.startswith("[") and raw.endswith("]")):
        raise MalformedFile(f"expected a list like [a, b], got {raw!r}")
    inner = raw[1:-1].strip()
    if not inner:
        return []
    items, current, quote = [], "", ""
    for char in inner:
        if quote:
            current += char
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
            current += char
        elif char == ",":
            items.append(current)
            current = ""
        else:
            current += char
    if quote:
        raise MalformedFile(f"unterminated quote in {raw!r}")
    items.append(current)
    return [_scalar(item) for item in items]


def parse_article(text: str) -> ArticleFile:
    """Parse one article file. Raises MalformedFile with the reason."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise MalformedFile("no front matter: the file must start with a '---' line")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise MalformedFile("front matter is not closed with a '---' line") from None
    values: dict[str, str | list[str]] = {}
    for number, line in enumerate(lines[1:end], 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            raise MalformedFile(f"line {number}: expected 'key: value', got {line.strip()!r}")
        key, raw = match.groups()
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            raise MalformedFile(f"line {number}: unknown key {key!r}")
        if key in values:
            raise MalformedFile(f"line {number}: {key!r} given twice")
        values[key] = _flow_list(raw) if key == "case_types" else _scalar(raw)
    missing = [key for key in REQUIRED_KEYS if not values.get(key)]
    if missing:
        raise MalformedFile("missing " + ", ".join(repr(key) for key in missing))
    import_id, language = str(values["id"]), str(values["language"])
    if not _ID.match(import_id):
        raise MalformedFile(f"id {import_id!r} must be lowercase letters, digits, '.', '-', '_'")
    if language not in Language.values:
        raise MalformedFile(f"language {language!r} is not one of {', '.join(Language.values)}")
    case_types = tuple(values.get("case_types", []))
    bad_codes = [code for code in case_types if not _CODE.match(code)]
    if bad_codes:
        raise MalformedFile(f"case type codes must be like dns_configuration: {bad_codes}")
    visibility = str(values.get("visibility") or Article.Visibility.PUBLIC)
    if visibility not in Article.Visibility.values:
        raise MalformedFile(
            f"visibility {visibility!r} is not one of {', '.join(Article.Visibility.values)}"
        )
    status = values.get("status")
    if status is not None and status not in Article.Status.values:
        raise MalformedFile(f"status {status!r} is not one of {', '.join(Article.Status.values)}")
    title = str(values["title"])
    if len(title) > 200:
        raise MalformedFile("title is longer than 200 characters")
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        raise MalformedFile("the article has no body")
    return ArticleFile(
        import_id=import_id,
        title=title,
        category=str(values["category"]),
        language=language,
        body=body,
        case_types=case_types,
        summary=str(values.get("summary", "")),
        visibility=visibility,
        status=str(status) if status else None,
    )


# --- Import -------------------------------------------------------------------------


def import_directory(directory: Path, *, now: datetime) -> ImportReport:
    """Import every ``*.md`` file of ``directory`` (see ``import_files``)."""
    return import_files(sorted(Path(directory).glob("*.md")), now=now)


def import_files(paths: list[Path], *, now: datetime) -> ImportReport:
    """Create or update one article per file, each in its own transaction.

    A file that cannot be read or imported is reported with the reason and
    the others still import.
    """
    report = ImportReport()
    parsed: list[tuple[str, ArticleFile]] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            article_file = parse_article(path.read_text(encoding="utf-8"))
        except (MalformedFile, UnicodeDecodeError, OSError) as error:
            report.errors.append((path.name, str(error)))
            continue
        if article_file.import_id in seen:
            report.errors.append(
                (
                    path.name,
                    f"id {article_file.import_id!r} is also used by {seen[article_file.import_id]}",
                )
            )
            continue
        seen[article_file.import_id] = path.name
        parsed.append((path.name, article_file))
    for name, article_file in parsed:
        try:
            with transaction.atomic():
                outcome = import_article(article_file, now=now)
        except (KnowledgeBaseError, IntegrityError) as error:
            reason = str(error)
            if isinstance(error, IntegrityError):
                reason = "another article already has this translation key and language"
            report.errors.append((name, reason))
            continue
        getattr(report, outcome).append(article_file.import_id)
    return report


def import_article(article_file: ArticleFile, *, now: datetime) -> str:
    """Create or update the article of one file: "created", "updated" or "unchanged"."""
    category = get_or_create_category(article_file.category)
    content = ArticleContent(
        title=article_file.title,
        body=article_file.body,
        category=category,
        summary=article_file.summary,
        visibility=article_file.visibility,
        case_types=article_file.case_types,
    )
    article = (
        Article.objects.select_related("category__parent")
        .filter(import_id=article_file.import_id)
        .first()
    )
    if article is None:
        create_article(
            content=content,
            language=article_file.language,
            acting_user=None,
            now=now,
            publish=article_file.status != Article.Status.DRAFT,
            import_id=article_file.import_id,
            translation_key=article_file.translation_key,
            kind=Revision.Kind.IMPORTED,
            # Short, stable links from the id: "ip-bloqueada-firewall" for the
            # Spanish original, "ip-bloqueada-firewall-en" for its translation.
            slug=article_file.translation_key
            if article_file.language == settings.LANGUAGE_CODE[:2]
            else f"{article_file.translation_key}-{article_file.language}",
        )
        return "created"
    if article.language != article_file.language:
        raise KnowledgeBaseError(
            f"the article {article_file.import_id!r} is in {article.language!r}; "
            "an article's language cannot change"
        )
    changed = False
    if article.translation_key != article_file.translation_key:
        article.translation_key = article_file.translation_key
        article.save(update_fields=["translation_key"])
        changed = True
    if content.differs_from(article):
        article = update_article(
            article, content=content, acting_user=None, now=now, kind=Revision.Kind.IMPORTED
        )
        changed = True
    if article_file.status == Article.Status.DRAFT and article.is_published:
        unpublish_article(article, acting_user=None, now=now)
        changed = True
    elif article_file.status == Article.Status.PUBLISHED and not article.is_published:
        publish_article(article, acting_user=None, now=now)
        changed = True
    return "updated" if changed else "unchanged"


# --- Export -------------------------------------------------------------------------

_PLAIN = re.compile(r"^[^\s'\"\[\]{}>|*&!%@,#?`-][^#]*$")


def _quote(value: str) -> str:
    """A YAML scalar for ``value``: plain when that is unambiguous, else double-quoted."""
    if _PLAIN.match(value) and ": " not in value and not value.endswith((" ", ":")):
        return value
    return json.dumps(value, ensure_ascii=False)


def render_article_file(article: Article) -> str:
    """The file ``export`` writes for ``article``; importing it gives the article back."""
    lines = [
        "---",
        f"id: {article.import_id}",
        f"title: {_quote(article.title)}",
        f"category: {_quote(category_path(article.category))}",
        f"language: {article.language}",
        "case_types: [" + ", ".join(article.case_types) + "]",
    ]
    if article.summary:
        lines.append(f"summary: {_quote(article.summary)}")
    if article.visibility != Article.Visibility.PUBLIC:
        lines.append(f"visibility: {article.visibility}")
    if article.status != Article.Status.PUBLISHED:
        lines.append(f"status: {article.status}")
    lines += ["---", "", article.body.strip(), ""]
    return "\n".join(lines)


def export_directory(directory: Path) -> int:
    """Write every article to ``directory`` as ``<id>.md``; returns how many."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    articles = Article.objects.select_related("category__parent").order_by("import_id")
    for article in articles.iterator(chunk_size=500):
        # import ids are checked on import; console-made ones come from slugs.
        name = re.sub(r"[^a-z0-9._-]", "-", article.import_id) + ".md"
        (directory / name).write_text(render_article_file(article), encoding="utf-8")
        count += 1
    return count
