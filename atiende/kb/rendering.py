"""Markdown to safe HTML, a table of contents and plain text, done once per save.

Articles are written by agents, but an agent account can be phished and
imported files come from anywhere, so the HTML is sanitised with nh3 before
it is stored; templates then mark the stored HTML safe.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

MARKDOWN_EXTENSIONS = ["toc", "tables", "fenced_code", "sane_lists"]
# Headings get ids (from the toc extension) so the table of contents can link to them.
_ALLOWED_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    **{tag: {"id"} for tag in ("h2", "h3", "h4")},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height"},
}
# Links to other sites, mail and phone; relative links stay relative.
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# A table of contents helps from this many sections on.
TOC_MIN_HEADINGS = 3
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RenderedArticle:
    html: str
    toc_html: str  # empty for short articles
    text: str  # plain text, for snippets and meta descriptions


def _toc(tokens: list[dict]) -> str:
    """Nested list of links to the article's sections (h2 and h3)."""
    if not tokens:
        return ""
    items = format_html_join(
        "",
        '<li><a href="#{}">{}</a>{}</li>',
        ((token["id"], html.unescape(token["name"]), _toc(token["children"])) for token in tokens),
    )
    return format_html("<ul>{}</ul>", items)


def _count(tokens: list[dict]) -> int:
    return sum(1 + _count(token["children"]) for token in tokens)


def render_markdown(source: str) -> RenderedArticle:
    """Render an article body: sanitised HTML, its table of contents, its text."""
    converter = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS, extension_configs={"toc": {"toc_depth": "2-3"}}
    )
    raw_html = converter.convert(source)
    safe_html = nh3.clean(
        raw_html,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    tokens = converter.toc_tokens  # type: ignore[attr-defined]
    toc_html = _toc(tokens) if _count(tokens) >= TOC_MIN_HEADINGS else ""
    return RenderedArticle(html=safe_html, toc_html=toc_html, text=plain_text(safe_html))


def plain_text(fragment: str) -> str:
    """The words of an HTML fragment, whitespace collapsed."""
    # Block ends become spaces so "<li>a</li><li>b</li>" does not read "ab".
    spaced = re.sub(r"</(p|li|h\d|td|th|pre|blockquote)>", r" \g<0>", fragment)
    return _SPACES.sub(" ", html.unescape(nh3.clean(spaced, tags=set()))).strip()


def describe(summary: str, text: str, length: int = 160) -> str:
    """A meta description: the summary, else the start of the text."""
    return summary or Truncator(text).chars(length)
