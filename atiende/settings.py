"""Django settings for Atiende.

Every setting a deployment may change is read from an environment variable
through the typed readers in ``atiende.environment``; docs/configuration.md
lists them with their defaults. Defaults suit a single-server install: SQLite
in the data directory, no other server needed.
"""

from __future__ import annotations

import re
import secrets
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from atiende.environment import ImproperlyConfiguredValue, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent

# Everything Atiende writes (SQLite database, uploads, collected static files,
# the generated secret key) lives in one folder, easy to back up.
DATA_DIR = Path(env_str("ATIENDE_DATA_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR."""
    configured = env_str("SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "atiende.accounts",
    "atiende.sla",
    "atiende.triage",
    "atiende.services",
    "atiende.helpcenter",
    "atiende.clientarea",
    "atiende.tickets",
    "atiende.kb",
    "atiende.console",
    "atiende.operations",
    "atiende.reports",
    "atiende.mail",
    "atiende.api",
    "atiende.webhooks",
    "atiende.chat",
]

# Atiende's own middleware (synchronous only) comes last. Under ASGI, Django
# runs every middleware from the first synchronous-only one outwards in one
# worker thread; placed earlier, the ones inside it ran in async mode and each
# crossed between the event loop and that thread several times per request.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "atiende.accounts.middleware.UserPreferencesMiddleware",
    "atiende.accounts.middleware.RequireStaffTwoFactorMiddleware",
]

ROOT_URLCONF = "atiende.urls"
WSGI_APPLICATION = "atiende.wsgi.application"
ASGI_APPLICATION = "atiende.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atiende.helpcenter.context_processors.branding",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (postgres://user:pass@host:5432/name) for
# production and scale-out; without it Atiende uses SQLite in DATA_DIR.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'atiende.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Opening a PostgreSQL connection costs ~10 ms, so each process keeps a pool
    # (psycopg_pool). Persistent connections (CONN_MAX_AGE) are no substitute
    # under ASGI: Django serves each request from a thread of its own, so every
    # request opened a connection and the finished threads left theirs open.
    # DATABASE_POOL_SIZE=0 turns the pool off (a connection per request, for a
    # server behind PgBouncer).
    DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 10, minimum=0)
    if DATABASE_POOL_SIZE:
        from psycopg_pool import ConnectionPool

        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": 1,
                "max_size": DATABASE_POOL_SIZE,
                "timeout": 10,
                # A connection is checked before it is lent (survives a restart).
                "check": ConnectionPool.check_connection,
            }
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer --------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    # Files in the data directory: shared by every process of this machine
    # (`serve --workers N`, the worker), so presence warnings and login
    # throttling hold across them; a per-process memory cache would split them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background tasks ---------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_ADAPTER = "atiende.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Atiende] "
# Failed logins are throttled per address and per account (allauth keeps the
# counters in the cache, so a shared Redis cache throttles across servers).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Atiende")

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "es")
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "America/Bogota")
USE_TZ = True
LANGUAGE_COOKIE_NAME = "atiende_language"

# --- Static files and uploads -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploads live outside the web root and are served only through views
        # that check who may see them.
        "OPTIONS": {"location": str(DATA_DIR / "uploads"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email --------------------------------------------------------------------
# EMAIL_URL-free on purpose: each part is its own variable, documented in
# docs/configuration.md. Without EMAIL_HOST mail is printed to the console.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 30, minimum=1),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Atiende <soporte@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Email channel (atiende.mail; see docs/email.md) ---------------------------------
# Our outgoing Message-IDs end in this domain; a reply quoting one finds its case.
_FROM_ADDRESS = parseaddr(DEFAULT_FROM_EMAIL)[1]
ATIENDE_MAIL_MESSAGE_ID_DOMAIN = env_str(
    "ATIENDE_MAIL_MESSAGE_ID_DOMAIN",
    _FROM_ADDRESS.rsplit("@", 1)[1].lower() if "@" in _FROM_ADDRESS else "localhost",
)
del _FROM_ADDRESS
# Who may open a case by writing to a mailbox: anyone ("allow"), only addresses at
# domains our contacts use ("known_domains"), or only known contacts ("refuse").
ATIENDE_MAIL_UNKNOWN_SENDERS = env_str("ATIENDE_MAIL_UNKNOWN_SENDERS", "allow")
if ATIENDE_MAIL_UNKNOWN_SENDERS not in ("allow", "known_domains", "refuse"):
    raise ImproperlyConfiguredValue(
        "ATIENDE_MAIL_UNKNOWN_SENDERS must be allow, known_domains or refuse, "
        f"not {ATIENDE_MAIL_UNKNOWN_SENDERS!r}"
    )
ATIENDE_MAIL_MAX_MESSAGE_MB = env_int("ATIENDE_MAIL_MAX_MESSAGE_MB", 40, minimum=1)
ATIENDE_MAIL_MAX_ATTACHMENTS = env_int("ATIENDE_MAIL_MAX_ATTACHMENTS", 50, minimum=1)
ATIENDE_MAIL_POLL_SECONDS = env_int("ATIENDE_MAIL_POLL_SECONDS", 60, minimum=10)
ATIENDE_MAIL_AUTO_REPLY_LIMIT = env_int("ATIENDE_MAIL_AUTO_REPLY_LIMIT", 5, minimum=0)
ATIENDE_MAIL_SEND_ATTEMPTS = env_int("ATIENDE_MAIL_SEND_ATTEMPTS", 5, minimum=1)
ATIENDE_MAIL_OUTBOUND_ATTACHMENTS_MB = env_int(
    "ATIENDE_MAIL_OUTBOUND_ATTACHMENTS_MB", 10, minimum=0
)
ATIENDE_MAIL_REMOTE_IMAGES = env_bool("ATIENDE_MAIL_REMOTE_IMAGES", False)

# --- Security -----------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# --- Product ------------------------------------------------------------------
ATIENDE_COMPANY_NAME = env_str("ATIENDE_COMPANY_NAME", "CeHis Experiencia Digital")
ATIENDE_PAGE_SIZE = env_int("ATIENDE_PAGE_SIZE", 25, minimum=1)
# Requests each API user (or anonymous address) may make: "600/m", "10000/h".
# Other sites that may embed the chat bubble (chat/embed.js), as origins:
# "https://www.example.com,https://tienda.example.com".
ATIENDE_CHAT_ORIGINS = env_list("ATIENDE_CHAT_ORIGINS", [])
for _origin in ATIENDE_CHAT_ORIGINS:
    if not re.fullmatch(r"https?://[^/\s]+", _origin):
        raise ImproperlyConfiguredValue(
            f"ATIENDE_CHAT_ORIGINS takes origins like https://www.example.com, not {_origin!r}"
        )
ATIENDE_API_RATE = env_str("ATIENDE_API_RATE", "600/m")
if not re.fullmatch(r"[1-9]\d*/(s|m|h|d)", ATIENDE_API_RATE):
    raise ImproperlyConfiguredValue(
        f"ATIENDE_API_RATE must look like 600/m (per s, m, h or d), not {ATIENDE_API_RATE!r}"
    )
ATIENDE_INVITATION_DAYS = env_int("ATIENDE_INVITATION_DAYS", 7, minimum=1)
ATIENDE_MAX_ATTACHMENT_MB = env_int("ATIENDE_MAX_ATTACHMENT_MB", 20, minimum=1)
ATIENDE_MAX_ATTACHMENTS = env_int("ATIENDE_MAX_ATTACHMENTS", 10, minimum=1)
ATIENDE_REOPEN_DAYS = env_int("ATIENDE_REOPEN_DAYS", 14, minimum=0)
ATIENDE_AUTO_CLOSE_DAYS = env_int("ATIENDE_AUTO_CLOSE_DAYS", 7, minimum=1)
# SLA clocks stop while a case waits on the customer; also on hold (waiting on
# a third party) unless this is false.
ATIENDE_SLA_PAUSE_ON_HOLD = env_bool("ATIENDE_SLA_PAUSE_ON_HOLD", True)
ATIENDE_SLA_WARNING_PERCENT = env_int("ATIENDE_SLA_WARNING_PERCENT", 75, minimum=1)
# Django refuses request bodies above this; room for the attachments plus the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
