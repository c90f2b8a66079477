"""E-mail and site address settings (issue 17): console by default, SMTP from the
environment, bad values refused at start-up naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _settings(env: dict) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, outside pytest."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update({"DJANGO_SECRET_KEY": "x" * 50, **env})
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps({name: getattr(settings, name, None) for name in ["
        "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', "
        "'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'DEFAULT_FROM_EMAIL', 'SITE_URL']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "resourcing.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_email_defaults_to_the_console():
    result = _settings({})

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["DEFAULT_FROM_EMAIL"] == "tracker@localhost"
    assert values["SITE_URL"] == "http://localhost:8000"


def test_smtp_from_the_environment():
    result = _settings(
        {
            "DJANGO_EMAIL_HOST": "smtp.example.org",
            "DJANGO_EMAIL_PORT": "587",
            "DJANGO_EMAIL_HOST_USER": "tracker",
            "DJANGO_EMAIL_HOST_PASSWORD": "s3cret",
            "DJANGO_EMAIL_USE_TLS": "1",
            "DJANGO_DEFAULT_FROM_EMAIL": "tracker@example.org",
            "DJANGO_SITE_URL": "https://tracker.example.org/",
        }
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "tracker",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "tracker@example.org",
        "SITE_URL": "https://tracker.example.org",
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DJANGO_EMAIL_HOST": "smtp.example.org", "DJANGO_EMAIL_PORT": "smtp"},
            "DJANGO_EMAIL_PORT must be a port number, 1-65535 (got 'smtp').",
        ),
        (
            {"DJANGO_EMAIL_HOST": "smtp.example.org", "DJANGO_EMAIL_PORT": "70000"},
            "DJANGO_EMAIL_PORT must be a port number, 1-65535 (got '70000').",
        ),
        (
            {"DJANGO_EMAIL_HOST": "smtp.example.org", "DJANGO_EMAIL_USE_TLS": "maybe"},
            "DJANGO_EMAIL_USE_TLS must be 1 or 0 (got 'maybe').",
        ),
        (
            {"DJANGO_DEFAULT_FROM_EMAIL": "tracker"},
            "DJANGO_DEFAULT_FROM_EMAIL must be an e-mail address (got 'tracker').",
        ),
        (
            {"DJANGO_SITE_URL": "tracker.example.org"},
            "DJANGO_SITE_URL must be an http:// or https:// address (got 'tracker.example.org').",
        ),
    ],
)
def test_bad_email_settings_name_the_variable(env, message):
    result = _settings(env)

    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr
