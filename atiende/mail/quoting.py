"""Separate what a person just wrote from the previous replies and signature below it.

The conversation shows the new text; the quoted history and the signature are
kept (in the stored email and on its page, collapsed) but would otherwise
repeat the whole thread in every entry.
"""

from __future__ import annotations

import re

# "On Mon, 3 Mar 2025, Ana <ana@example.com> wrote:" in the languages our
# customers' mail clients speak; Gmail may wrap it over two lines.
_ATTRIBUTION = re.compile(
    r"^\s*(on\b.{0,200}\bwrote|el\b.{0,200}\bescribi[oó]|em\b.{0,200}\bescreveu|"
    r"le\b.{0,200}\ba écrit|am\b.{0,200}\bschrieb)\s*:?\s*$",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|mensaje original|message d'origine|"
    r"ursprüngliche nachricht|mensagem original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Outlook's reply header: "From: … / Sent: …" (or "De: … / Enviado: …").
_OUTLOOK_FROM = re.compile(r"^\s*\*?(from|de|von)\s*:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(sent|date|enviado|fecha|gesendet|to|para|subject|asunto)\s*:", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^-- ?$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(sent from my|enviado desde mi|enviado do meu|get outlook for|obtener outlook para)\b",
    re.IGNORECASE,
)


def _quote_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        joined = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if _ATTRIBUTION.match(line) or (
            not line.lstrip().startswith(">") and _ATTRIBUTION.match(joined)
        ):
            return index
        if _ORIGINAL_MESSAGE.match(line):
            return index
        if _OUTLOOK_FROM.match(line) and any(
            _OUTLOOK_NEXT.match(following) for following in lines[index + 1 : index + 4]
        ):
            return index
        if _SIGNATURE.match(line) or _MOBILE_SIGNATURE.match(line):
            return index
    # A trailing block of "> " lines (bottom quoting without attribution).
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (lines[start - 1].lstrip().startswith(">") or not lines[start - 1].strip()):
        start -= 1
    if start < end and any(line.lstrip().startswith(">") for line in lines[start:end]):
        return start
    return None


def split_reply(text: str) -> tuple[str, str]:
    """``(new text, quoted history and signature)``; the two joined are the whole text.

    When nothing new is left (a bare forward, an all-quoted message) the
    whole text is the new text: better repeated than lost from view.
    """
    lines = text.split("\n")
    start = _quote_start(lines)
    if start is None:
        return text.strip(), ""
    new = "\n".join(lines[:start]).strip()
    quoted = "\n".join(lines[start:]).strip()
    if not new:
        return text.strip(), ""
    return new, quoted
