"""Settings of the test suite (pyproject.toml's DJANGO_SETTINGS_MODULE): the production
settings plus what only tests need. resourcing/settings.py never asks whether it runs under a
test runner; tests/test_settings.py and tests/test_production.py load it as production does.
"""

import os

# Production settings refuse to start without a secret key when DEBUG is off (as in tests).
os.environ.setdefault("DJANGO_SECRET_KEY", "django-insecure-test-key-not-for-production")

from resourcing.lib.env import env_bool
from resourcing.settings import *  # noqa: F403
from resourcing.settings import ALLOWED_HOSTS, DATABASES

# Test writes are rolled back and never notified: the data version is read per request,
# unless a test (the gunicorn freshness test) turns the listener on.
PAGE_CACHE_LISTEN = env_bool("DJANGO_PAGE_CACHE_LISTEN", default=False)

# Django's test client sends requests to "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# Fast password hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Django's test client logs in without a request, which django-axes refuses; tests/test_auth.py
# turns it on to test throttling.
AXES_ENABLED = False

# Tests open and close the SQLite file per request, as development does (settings.py keeps it
# open in production).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Static files straight from the app folders: no collectstatic before a test run.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
