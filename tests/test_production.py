"""Production readiness: `check --deploy`, security headers, error pages, request log."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _production_env(tmp_path, **extra) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "resourcing.settings",
        }
    )
    clean.update(extra)
    return clean


def _csp(header: str) -> dict:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path, DJANGO_HTTPS="1"),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.django_db
def test_public_page_has_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    assert _csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"].startswith("accelerometer=(), camera=()")
    assert not response.has_header("Strict-Transport-Security")


@pytest.mark.django_db
def test_not_modified_and_admin_carry_the_same_policy(client, admin_user):
    first = client.get("/")
    not_modified = client.get("/", headers={"if-none-match": first["ETag"]})
    client.force_login(admin_user)
    admin = client.get("/admin/roadmaps/milestone/")

    assert not_modified.status_code == 304
    assert _csp(not_modified["Content-Security-Policy"]) == EXPECTED_CSP
    assert admin.status_code == 200
    assert _csp(admin["Content-Security-Policy"]) == EXPECTED_CSP


REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"], "report-uri": "/csp-reports/"}}


def _csp_headers(middleware_class, path="/", **response_attributes) -> dict:
    from django.http import HttpResponse
    from django.test import RequestFactory

    def view(request):
        response = HttpResponse("page")
        for name, value in response_attributes.items():
            setattr(response, name, value)
        return response

    response = middleware_class(view)(RequestFactory().get(path))
    return {
        name: response.get(name)
        for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    }


REPORT_ONLY_HEADER = "default-src 'none'; report-uri /csp-reports/"


@pytest.mark.parametrize(
    ("path", "attributes", "report_only"),
    [
        ("/", {}, REPORT_ONLY_HEADER),
        ("/data/", {}, REPORT_ONLY_HEADER),
        ("/sectors/mobility/", {}, None),
        ("/", {"_csp_exempt": True}, REPORT_ONLY_HEADER),
        ("/", {"_csp_exempt_ro": True}, None),
        ("/", {"_csp_update": {"img-src": ["https://example.org"]}}, REPORT_ONLY_HEADER),
        (
            "/",
            {"_csp_replace_ro": {"default-src": ["'self'"]}},
            "default-src 'self'; report-uri /csp-reports/",
        ),
    ],
)
def test_site_wide_csp_middleware_sets_what_django_csp_sets(
    settings, path, attributes, report_only
):
    """The subclass only builds the policies once: report-only policies, excluded paths and
    per-view changes come out exactly as django-csp's own middleware writes them."""
    from csp.middleware import CSPMiddleware

    from resourcing.middleware import SiteWideCSPMiddleware

    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/data/"],
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        **REPORT_ONLY,
        "EXCLUDE_URL_PREFIXES": ["/sectors/"],
    }

    ours = _csp_headers(SiteWideCSPMiddleware, path, **attributes)
    published = _csp_headers(CSPMiddleware, path, **attributes)

    assert ours == published
    assert ours["Content-Security-Policy-Report-Only"] == report_only


@pytest.mark.django_db
def test_report_only_policy_and_excluded_paths_reach_the_pages(client, settings):
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/data/"],
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY

    overview = client.get("/")
    open_data = client.get("/data/")

    assert _csp(overview["Content-Security-Policy"]) == EXPECTED_CSP
    assert overview["Content-Security-Policy-Report-Only"] == REPORT_ONLY_HEADER
    assert open_data.status_code == 200
    assert not open_data.has_header("Content-Security-Policy")
    assert open_data["Content-Security-Policy-Report-Only"] == REPORT_ONLY_HEADER


def test_https_setting_adds_hsts_and_redirects(tmp_path):
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "c = Client(SERVER_NAME='127.0.0.1'); s = c.get('/healthz', secure=True); "
        "p = c.get('/healthz'); "
        "print(json.dumps({'status': s.status_code, 'hsts': s.get('Strict-Transport-Security'), "
        "'plain': p.status_code, 'location': p.get('Location')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(tmp_path, DJANGO_HTTPS="1"),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "status": 200,
        "hsts": "max-age=31536000; includeSubDomains; preload",
        "plain": 301,
        "location": "https://127.0.0.1/healthz",
    }


@pytest.mark.django_db
def test_not_found_page_uses_the_layout_and_reveals_nothing(client):
    response = client.get("/sectors/no-such-sector/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in content
    assert 'class="site-header"' in content
    assert "css/site.css" in content
    for internal in ("Traceback", "urlpatterns", "resourcing.urls", "DEBUG", "no-such-sector"):
        assert internal not in content


@pytest.mark.django_db
def test_server_error_page_needs_no_database(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused by 10.0.0.5")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    client.raise_request_exception = False

    response = client.get("/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in content
    assert 'class="site-header"' in content
    for internal in ("Traceback", "10.0.0.5", "DatabaseError", "connection refused"):
        assert internal not in content


@pytest.mark.django_db
def test_each_request_logs_one_line_with_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="resourcing.requests"):
        client.get("/healthz")
        client.get("/sectors/no-such-sector/?q=secret")

    lines = [r.getMessage() for r in caplog.records if r.name == "resourcing.requests"]
    assert len(lines) == 2
    assert re.fullmatch(r"GET /healthz 200 \d+\.\dms", lines[0])
    assert re.fullmatch(r"GET /sectors/no-such-sector/ 404 \d+\.\dms", lines[1])


def test_request_log_goes_to_stdout():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["stdout"]
    assert handler["stream"] is sys.stdout
    assert settings.MIDDLEWARE[0] == "resourcing.middleware.RequestLogMiddleware"


def test_dockerfile_runs_gunicorn_as_non_root_with_collected_static():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("# syntax=") or "FROM python:3.11-slim" in dockerfile
    assert "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert "collectstatic --no-input" in dockerfile
    assert re.search(r'^CMD \["gunicorn"', dockerfile, re.MULTILINE)


def test_every_package_of_the_site_is_in_the_installed_packages():
    """`pip install -e .` (make install) maps only the packages pyproject.toml lists: one left
    out imports from the checkout's own folder and nowhere else. Only the tests and the bench
    (developer tools run from the checkout) stay out."""
    import tomllib
    from fnmatch import fnmatch

    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]["find"]["include"]
    packages = sorted(
        init.parent.name
        for init in ROOT.glob("*/__init__.py")
        if init.parent.name not in {"tests", "bench"}
    )
    assert {"api", "review", "reuse", "roadmaps"} <= set(packages)
    assert [name for name in packages if not any(fnmatch(name, p) for p in listed)] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_works_under_the_strict_policy(live_server, browser, client):
    # The policy is not relaxed for /admin/: Django 5.2's admin loads scripts and styles from
    # files. Chromium reports every blocked inline script or style on the console.
    from tests.factories import make_milestone, make_user

    admin = make_user(username="csp-admin", superuser=True)
    milestone = make_milestone(code="CSP-1.1")
    client.force_login(admin)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )

    change = f"/admin/roadmaps/milestone/{milestone.pk}/change/"
    for path in ("/admin/", "/admin/roadmaps/milestone/", change):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
    heading = page.locator("h1").first.inner_text()
    context.close()

    assert heading == "Change milestone"
    assert violations == []


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/sectors/mobility/milestones/?q=%00", "q"),
        ("/admin/roadmaps/milestone/?status__exact=a%00b", "status__exact"),
        ("/?as_of=2020-01-01&x%00y=1", "x\\x00y"),
    ],
)
def test_nul_bytes_in_query_parameters_answer_400_naming_them(client, admin_user, url, name):
    client.force_login(admin_user)

    response = client.get(url)

    assert response.status_code == 400
    assert response.content.decode() == f"{name}: a NUL byte (0x00) is not allowed."
