"""Settings for the RE-SOURCING Roadmap Tracker.

Configured by environment variables (see README.md); the defaults are safe for production:
DEBUG is off unless DJANGO_DEBUG=1, and without DEBUG a secret key must be given.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from resourcing.lib.env import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
HTTPS = env_bool("DJANGO_HTTPS", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Development only: never used when DEBUG is off.
        SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(for development, set DJANGO_DEBUG=1)."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    # The project's apps first: the first app naming a management command wins, and
    # roadmaps' validating loaddata must win over modeltranslation's.
    "stakeholders",
    "roadmaps",
    # Cache invalidation: the data version, its bump and the page cache middleware.
    "pagecache",
    "indicators",
    # Review before publication (proposals) and data calls to stewards.
    "review",
    # Badges, embeddable views and the printable sector report.
    "reuse",
    # Translated content (title_es, ...); before the admin, so that the translation fields
    # exist when the admin's classes are built.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    # Django's form widget templates, for FORM_RENDERER.
    "django.forms",
    # Content-Security-Policy header (django-csp 4).
    "csp",
    # Login throttling: counts failed logins per username and address, locks out after five.
    "axes",
]

MIDDLEWARE = [
    # Outermost: its duration covers the whole stack (one log line per request).
    "resourcing.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The language from the URL alone (/es/, /fr/, /pt/, /de/; English unprefixed), before
    # the page cache and every early answer, so each is in the page's language.
    "resourcing.middleware.URLLanguageMiddleware",
    "resourcing.middleware.SecurityHeadersMiddleware",
    # Any origin may read the public pages and their JSON (GET/HEAD, no credentials); outside
    # the page cache and the 400/413 answers, so all of those carry the headers too.
    "api.middleware.PublicReadCORSMiddleware",
    # whitenoise, keeping the static files manifest (staticfiles.json) private.
    "resourcing.middleware.StaticFilesMiddleware",
    # django-csp's CSPMiddleware, building the site-wide policy once per process.
    "resourcing.middleware.SiteWideCSPMiddleware",
    # Before anything reads a body (sessions, the page cache, CSRF): one larger than its path
    # takes is refused (413) unread; the answer still carries the headers above.
    "resourcing.middleware.RequestBodyLimitMiddleware",
    # No parameter may carry a NUL byte (PostgreSQL refuses them): 400 before any query.
    "resourcing.middleware.RejectNulBytesMiddleware",
    # Before the session: a 304 or a cached page for an anonymous visitor costs one query
    # (the data version) and no session, CSRF or template work; the headers above still apply.
    "pagecache.middleware.ConditionalPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "resourcing.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Forms render their widgets with the site's template engine (cached templates), where
# templates/django/forms/ writes out the option and attribute templates Django includes per
# option: the same markup, a fraction of the template renders (a milestone list's filters made
# 170 of its 187). "django.forms" (INSTALLED_APPS) supplies Django's other widget templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

WSGI_APPLICATION = "resourcing.wsgi.application"
ASGI_APPLICATION = "resourcing.asgi.application"

# Database: SQLite file by default (nothing to install); PostgreSQL when DATABASE_URL says so.
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for a malformed URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if not _db.get("ENGINE"):
        raise ImproperlyConfigured("DATABASE_URL names an unsupported database scheme.")
    if _db["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while one process writes: WAL journal, and wait for locks
    # instead of failing at once.
    _db.setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # Production (gunicorn sync workers, one request at a time per process) keeps the file
    # open: reopening it for every request, with Django registering its SQL functions each
    # time, cost ~3 ms a request and capped a 304 at a quarter of a static file's speed
    # (make bench). Development (and the tests, resourcing/settings_test.py) open and close it
    # per request.
    _db["CONN_MAX_AGE"] = 0 if DEBUG else 600
if _db["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation of queries. Progress over time is one query of hundreds of
    # conditional aggregates (roadmaps.progress); once the planner's estimate passes
    # jit_above_cost (PostgreSQL's default 100000, as tables grow and are analysed), compiling
    # its expressions took 50 s to 3 minutes where the query itself runs in about a second
    # (tests/test_settings.py). The operator's own options come after this one and win: the
    # environment's PGOPTIONS (which libpq ignores once a connection names its own options),
    # then DATABASE_URL's ?options=.
    _options = _db.setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        filter(None, ["-c jit=off", os.environ.get("PGOPTIONS", ""), _options.get("options", "")])
    )
DATABASES = {"default": _db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "stakeholders.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username+address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures for one username from one address lock that pair out for an hour (429), so a
# guesser cannot lock a steward out from elsewhere. Attempts are kept in the database, shared by
# every server process.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Absolute links in e-mails (data calls, returned proposals): the site's public address.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://localhost:8000").strip().rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or " " in SITE_URL:
    raise ImproperlyConfigured(
        f"DJANGO_SITE_URL must be an http:// or https:// address (got {SITE_URL!r})."
    )

# E-mail: printed to the console unless DJANGO_EMAIL_HOST names an SMTP server.
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost").strip()
if "@" not in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        f"DJANGO_DEFAULT_FROM_EMAIL must be an e-mail address (got {DEFAULT_FROM_EMAIL!r})."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    _email_port = os.environ.get("DJANGO_EMAIL_PORT", "25").strip()
    if not _email_port.isdigit() or not 0 < int(_email_port) < 65536:
        raise ImproperlyConfigured(
            f"DJANGO_EMAIL_PORT must be a port number, 1-65535 (got {_email_port!r})."
        )
    EMAIL_PORT = int(_email_port)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
    # A server that never answers must not hang a request or the cron job.
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LOGIN_URL = "login"
# Stewards come to work: after signing in they land on their queue (a `next` wins).
LOGIN_REDIRECT_URL = "roadmaps:staff-queue"
# The overview in the language signed out in.
LOGOUT_REDIRECT_URL = "roadmaps:overview"

# Cache: local memory per process by default; Redis (shared by all workers) when REDIS_URL is set.
_redis_url = os.environ.get("REDIS_URL", "").strip()
if _redis_url:
    if not _redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Room for every public page at fixture size (about 250) and some query strings, per process;
# LocMem culls the least recently used beyond. With pages of at most
# pagecache.store.MAX_PAGE_BYTES (256 KB, ~1.3x with encodings), at most ~170 MB per process
# whatever visitors send; ~20 MB with real pages (4-32 KB).
CACHES["default"].setdefault("OPTIONS", {})
if _redis_url:
    # A Redis that stops answering costs a request a quarter of a second, once per outage and
    # back-off (pagecache.store), not the 20 s of a default socket.
    CACHES["default"]["OPTIONS"].update({"socket_connect_timeout": 0.25, "socket_timeout": 0.25})
else:
    CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] = 500

# Per-page cache of public pages, keyed by the data version (pagecache).
# DJANGO_PAGE_CACHE=0 turns it off (the bench measures uncached pages so); conditional GET
# (ETag/304) stays on either way. Entries are never served stale (a write changes the key);
# the timeout only frees memory.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = 600
# Each server process holds the data version between requests: on PostgreSQL it hears of
# writes through LISTEN/NOTIFY (pagecache.listener), on SQLite through the connection's change
# counter (pagecache.versions); DJANGO_PAGE_CACHE_LISTEN=0 reads it per request instead.
# Off in tests (resourcing/settings_test.py), whose writes are rolled back and never notified.
PAGE_CACHE_LISTEN = env_bool("DJANGO_PAGE_CACHE_LISTEN", default=True)

# English is the default and canonical language: its pages have no prefix, and data (CSV,
# JSON, Atom, the API's document) is English whatever the page's language. The other languages
# are /es/, /fr/, /pt/, /de/ (resourcing/lib/languages.py); the switcher shows each name in
# its own language (Django's language info), these names are for the admin and the like.
# English is the default and canonical language: its pages have no prefix, and data (CSV,
# JSON, Atom, the API's document) is English whatever the page's language. The other languages
# are /es/, /fr/, /pt/, /de/ (resourcing/lib/languages.py); the switcher shows each name in
# its own language (Django's language info), these names are for the admin and the like.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Compiled by `python -m resourcing.catalogues` (make run / make test), never committed.
# Dates on pages: English keeps the site's ISO dates (resourcing/formats/en); the others use
# Django's formats for their locale.
FORMAT_MODULE_PATH = ["resourcing.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Content translations (resourcing/lib/translations.py): English is canonical, every other
# language falls back to it, column by column.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development whitenoise serves straight from the app folders; in production from
# STATIC_ROOT, filled by collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Security: safe defaults everywhere, HTTPS-only behaviour when DJANGO_HTTPS=1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Strict Content-Security-Policy (django-csp 4): no inline script or style anywhere, the
# admin included (Django 5.2's admin loads its scripts and styles from files; its one inline
# <style>, a column width on change lists without actions, is cosmetic).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "filters": {"refused_request": {"()": "resourcing.lib.log_filters.RefusedRequestFilter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": "plain"}
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per request from resourcing.middleware.RequestLogMiddleware; the message
        # alone, the formatter adds time and level.
        "resourcing.requests": {"level": "INFO"},
        # runserver's own access log would repeat each request.
        "django.server": {"level": "WARNING"},
        # A filter lookup the admin refuses (an edited URL) answers 400: logged as a warning
        # without a traceback, not as a server error.
        "django.security.DisallowedModelAdminLookup": {"filters": ["refused_request"]},
    },
}
