"""HTML mail bodies: as plain text for the conversation, and sanitised for display.

Mail HTML is written by strangers. It is shown only after nh3 has removed
scripts, styles, event handlers and unknown tags; remote images are dropped
by default because loading them tells the sender when and where the mail was
read (tracking pixels), and inline ``cid:`` images point at our own copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser

import nh3

_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
}
_SKIP = {"script", "style", "head", "title", "template", "noscript"}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "blockquote": {"cite"},
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote_depth = 0
        self.skipping = 0
        self.in_pre = 0

    def _newline(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br":
            self.lines.append("")
        elif tag in _BLOCK:
            self._newline()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "li":
                self.lines[-1] = "- "
            elif tag == "pre":
                self.in_pre += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.handle_data(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.in_pre = max(0, self.in_pre - 1)
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.in_pre:
            first, *rest = data.split("\n")
            self._write(first)
            for line in rest:
                self.lines.append("")
                self._write(line)
            return
        self._write(re.sub(r"\s+", " ", data))

    def _write(self, text: str) -> None:
        if not self.lines[-1] and self.quote_depth:
            self.lines[-1] = "> " * self.quote_depth
        if not self.lines[-1].strip():
            text = text.lstrip()
        self.lines[-1] += text


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body; quoted blocks become ``> `` lines."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # HTMLParser is lenient; this is for the truly pathological
        return nh3.clean(html, tags=set())
    lines = [line.rstrip() for line in extractor.lines]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def sanitise_html(
    html: str, *, inline_images: Mapping[str, str], allow_remote_images: bool
) -> tuple[str, int]:
    """Safe HTML to display, and how many remote images were blocked.

    ``inline_images`` maps a Content-ID to the URL of our stored copy.
    """
    blocked = 0

    def keep(element: str, attribute: str, value: str) -> str | None:
        nonlocal blocked
        if element == "img" and attribute == "src":
            if value.lower().startswith("cid:"):
                return inline_images.get(value[4:].strip("<>"))
            if value.lower().startswith(("http:", "https:", "//")):
                if allow_remote_images:
                    return value
                blocked += 1
                return None
            return None  # data: URIs and anything else
        return value

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned, blocked
