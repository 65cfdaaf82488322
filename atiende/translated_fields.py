"""Content stored in both product languages (``name_es``/``name_en`` pairs).

Editable content such as plan names lives in the database, not in the
gettext catalogs, so each text field exists once per language. ``localized``
picks the active language's text and falls back to Spanish, the default.
"""

from __future__ import annotations

from django.utils import translation

FALLBACK_LANGUAGE = "es"


def localized(obj: object, field: str, language: str | None = None) -> str:
    language = (language or translation.get_language() or FALLBACK_LANGUAGE)[:2]
    text = getattr(obj, f"{field}_{language}", "")
    return text or getattr(obj, f"{field}_{FALLBACK_LANGUAGE}", "")
