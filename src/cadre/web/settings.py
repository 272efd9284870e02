"""Settings of the workspace, read from the environment and nothing else.

- ``DATABASE_URL``: the database (``postgres://...`` in production); by default a SQLite file
  ``cadre.sqlite3`` under the data directory.
- ``CADRE_DATA_DIR``: the data directory (default ``./var/``).
- ``CADRE_DEBUG=1``: development mode. Only then may ``SECRET_KEY`` be missing (a key that says it is for
  development is used); in any other mode a missing key stops the server.
- ``SECRET_KEY``, ``CADRE_ALLOWED_HOSTS`` (comma-separated), ``CADRE_CSRF_TRUSTED_ORIGINS``,
  ``CADRE_SSL_REDIRECT`` (default on outside debug; off behind a proxy that redirects itself),
  ``CADRE_HSTS_SECONDS`` (default one year outside debug), ``CADRE_JOBS_SYNC=1`` (run jobs inline).
- ``CADRE_CACHE_URL``: ``redis://host:6379/0`` when the server runs on several machines; by default a
  cache in files under the data directory, shared by the server processes of one machine.

In production (``CADRE_DEBUG`` unset) ``manage.py check --deploy`` is clean: secure cookies, HSTS, SSL
redirect, no debug.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _flag("CADRE_DEBUG", False)
DATA_DIR = Path(os.environ.get("CADRE_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here

_DEV_KEY = "django-insecure-cadre-development-only-never-in-production-0b7f2c"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set unless CADRE_DEBUG=1 (development)")
    SECRET_KEY = _DEV_KEY

ALLOWED_HOSTS = _list("CADRE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _list("CADRE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API's docs page serves Swagger UI from ninja's own static files, not a CDN
    "axes",
    "cadre.web.accounts",
    "cadre.web.audit",
    "cadre.web.campaigns",
    "cadre.web.files",
    "cadre.web.courses",
    "cadre.web.placement",
    "cadre.web.field",
    "cadre.web.jobs",
    "cadre.web.ui",
    "cadre.web.analytics",
    "cadre.web.imports",
    "cadre.web.exports",
    "cadre.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cadre.web.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cadre.web.urls"
WSGI_APPLICATION = "cadre.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cadre.web.ui.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'cadre.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Background jobs write from a second thread: wait for the lock rather than fail at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what the server's processes share for a moment: a running job's progress (the job
# writes its rows in one transaction, so its row shows nothing until the end). Default: files under the
# data directory, shared by the processes of one machine; CADRE_CACHE_URL=redis://host:6379/0 for several.
_CACHE_URL = os.environ.get("CADRE_CACHE_URL", "")
if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL,
                          "KEY_PREFIX": "cadre"}}
elif _CACHE_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CADRE_CACHE_URL: {_CACHE_URL!r} is not a redis:// address")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 2000}}}

# PBKDF2 (Django's default): no extra native dependency; Argon2 can be put first once argon2-cffi is added.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "ui:login"
LOGOUT_REDIRECT_URL = "ui:login"
LOGIN_REDIRECT_URL = "/"

# Login throttling: five failures for one user name from one address lock it for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# Security. Outside debug everything `check --deploy` asks for is on; a proxy that terminates TLS sets
# X-Forwarded-Proto, and CADRE_SSL_REDIRECT=0 leaves the redirect to it.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day; signing in again after it is cheap, a stolen cookie is not
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the page (hx-headers), never read the cookie
SECURE_SSL_REDIRECT = _flag("CADRE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("CADRE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = _flag("CADRE_HSTS_PRELOAD", not DEBUG)  # CADRE_HSTS_PRELOAD=0 to opt out
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Long operations (selection, placement, twin runs, imports) run in a thread of the server process;
# tests and one-shot commands run them inline.
CADRE_JOBS_SYNC = _flag("CADRE_JOBS_SYNC", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"cadre": {"handlers": ["console"], "level": os.environ.get("CADRE_LOG_LEVEL", "INFO")}},
}
