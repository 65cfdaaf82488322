"""Typed readers for environment variables.

Settings are read only in ``atiende/settings.py`` through these helpers. Each
reader rejects a malformed value with a message naming the variable, so a
typo in a deployment fails at start-up instead of silently falling back to a
default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


class ImproperlyConfiguredValue(ValueError):
    """An environment variable holds a value Atiende cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str:
    value = environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None or value == "":
        return default
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ImproperlyConfiguredValue(f"{name} must be one of true/false/1/0/yes/no, not {value!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] = os.environ
) -> int:
    value = environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfiguredValue(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfiguredValue(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
