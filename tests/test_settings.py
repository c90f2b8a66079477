"""Settings come from the environment, with production-safe defaults and clear errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHOWN = (
    "{'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'], "
    "'hosts': settings.ALLOWED_HOSTS}"
)


def _settings(env: dict, shown: str = DEFAULT_SHOWN) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, outside pytest; print `shown` as JSON."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        f"print(json.dumps({shown}, sort_keys=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "resourcing.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def _database_options(env: dict) -> dict:
    """The default database's OPTIONS, read by a fresh interpreter under `env`."""
    result = _settings(
        {"DJANGO_DEBUG": "1", **env}, "settings.DATABASES['default'].get('OPTIONS', {})"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_connections_turn_jit_off_and_keep_the_operators_options():
    """Progress over time's one query of hundreds of aggregates took minutes to JIT-compile
    (settings.py); an operator's own options (PGOPTIONS, then ?options=) come after and win."""
    url = "postgres://postgres@127.0.0.1:5432/resourcing"

    plain = _database_options({"DATABASE_URL": url, "PGOPTIONS": ""})
    own = _database_options(
        {"DATABASE_URL": f"{url}?options=-c%20statement_timeout%3D5000", "PGOPTIONS": ""}
    )
    both = _database_options(
        {
            "DATABASE_URL": f"{url}?options=-c%20statement_timeout%3D5000",
            "PGOPTIONS": "-c jit=on -c work_mem=8MB",
        }
    )
    sqlite = _database_options({})

    assert plain["options"] == "-c jit=off"
    assert own["options"] == "-c jit=off -c statement_timeout=5000"
    assert both["options"] == "-c jit=off -c jit=on -c work_mem=8MB -c statement_timeout=5000"
    assert "options" not in sqlite


def test_postgresql_connection_runs_without_jit(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's (set DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_settings_refuse_missing_secret_key_without_debug():
    result = _settings({})

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_default_to_debug_off_and_sqlite():
    result = _settings({"DJANGO_SECRET_KEY": "x" * 50})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '{"debug": false, "engine": "django.db.backends.sqlite3", '
        '"hosts": ["localhost", "127.0.0.1"]}'
    )


def test_settings_read_database_url_and_hosts():
    result = _settings(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/resourcing",
            "DJANGO_ALLOWED_HOSTS": "tracker.example.org, www.example.org",
        }
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '{"debug": true, "engine": "django.db.backends.postgresql", '
        '"hosts": ["tracker.example.org", "www.example.org"]}'
    )


def test_settings_name_malformed_variables():
    bad_debug = _settings({"DJANGO_DEBUG": "maybe"})
    bad_db = _settings({"DJANGO_DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/x"})
    bad_redis = _settings({"DJANGO_DEBUG": "1", "REDIS_URL": "memcached://x"})

    assert "DJANGO_DEBUG must be 1 or 0" in bad_debug.stderr
    assert "DATABASE_URL must be a postgres:// or sqlite:// URL" in bad_db.stderr
    assert "REDIS_URL must start with redis://" in bad_redis.stderr


def test_production_settings_do_not_change_under_a_test_runner():
    """Test-only settings live in resourcing/settings_test.py: importing pytest first changes
    nothing in resourcing/settings.py (no secret key, no MD5 hasher, no "testserver")."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    code = (
        "import pytest, django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.PASSWORD_HASHERS[0], settings.ALLOWED_HOSTS, "
        "settings.AXES_ENABLED]))"
    )
    run = {"cwd": ROOT, "capture_output": True, "text": True, "check": False}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "resourcing.settings"}

    without_key = subprocess.run([sys.executable, "-c", code], env=env, **run)
    with_key = subprocess.run(
        [sys.executable, "-c", code], env={**env, "DJANGO_SECRET_KEY": "x" * 50}, **run
    )

    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in without_key.stderr
    assert with_key.stdout.strip() == (
        '["django.contrib.auth.hashers.PBKDF2PasswordHasher", ["localhost", "127.0.0.1"], true]'
    )
