"""Settings for the test suite: the production settings with fast, local parts."""

from atiende.settings import *  # noqa: F403
from atiende.settings import STORAGES

# Hashing passwords slowly is a feature in production and a cost in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No manifest to build before rendering a page.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# One cache per test process (parallel test processes must not share one).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise wants its root to exist; tests serve from the finders.
STATIC_ROOT = PACKAGE_DIR / "static"  # noqa: F405
# Background tasks run at once, inside the request, so tests see their effects.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
