"""Outages (issue 10, point 2): a cache that does not answer costs rendering, never an error;
a database that does not answer gives 503 with Retry-After in the site's layout."""

import logging

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError

from pagecache import store
from pagecache.models import DataVersion
from roadmaps.models import Milestone, MilestoneUpdate

DASHBOARD = "/sectors/sector-a/"
# Nothing listens on port 1: connection refused at once (and a short timeout if filtered).
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def dead_redis(settings):
    settings.CACHES = DEAD_REDIS
    store.outage.retry_at = None
    yield
    store.outage.retry_at = None


def _pagecache_warnings(caplog):
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "pagecache" and record.levelno == logging.WARNING
    ]


@pytest.mark.django_db
def test_pages_render_while_redis_is_down_with_one_warning(client, milestone_a, dead_redis, caplog):
    version_before = DataVersion.objects.get()
    updates_before = MilestoneUpdate.objects.count()

    with caplog.at_level(logging.INFO, logger="pagecache"):
        responses = [client.get(DASHBOARD) for _ in range(5)]

    assert [response.status_code for response in responses] == [200] * 5
    assert all(milestone_a.target.roadmap.sector.name.encode() in r.content for r in responses)
    warnings = _pagecache_warnings(caplog)
    assert len(warnings) == 1
    assert warnings[0].startswith("Page cache unavailable (ConnectionError: ")
    assert warnings[0].endswith("pages are rendered without it; retrying every 5.0 s.")
    # A read wrote nothing: no version bump, no history row, no status change.
    assert DataVersion.objects.get().version == version_before.version
    assert MilestoneUpdate.objects.count() == updates_before
    assert Milestone.objects.get().status == milestone_a.status


@pytest.mark.django_db
def test_redis_down_is_retried_after_the_back_off_only(
    client, milestone_a, dead_redis, monkeypatch, caplog
):
    clock = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: clock[0])
    calls = []
    real_get = RedisCache.get

    def counting_get(self, *args, **kwargs):
        calls.append(clock[0])
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(RedisCache, "get", counting_get)

    with caplog.at_level(logging.INFO, logger="pagecache"):
        client.get(DASHBOARD)  # fails: backs off until 1005
        client.get(DASHBOARD)  # not asked
        clock[0] = 1004.9
        client.get(DASHBOARD)  # not asked
        clock[0] = 1005.0
        client.get(DASHBOARD)  # asked again, fails again: still one warning

    assert calls == [1000.0, 1005.0]
    assert len(_pagecache_warnings(caplog)) == 1


@pytest.mark.django_db
def test_recovery_is_logged_and_the_next_outage_warns_again(client, milestone_a, settings, caplog):
    store.outage.retry_at = None
    with caplog.at_level(logging.INFO, logger="pagecache"):
        settings.CACHES = DEAD_REDIS
        client.get(DASHBOARD)
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        store.outage.retry_at = 0.0  # the back-off is over
        client.get(DASHBOARD)
        settings.CACHES = DEAD_REDIS
        # Another page: the dashboard is now kept in this process and needs no cache.
        client.get(f"{DASHBOARD}milestones/")
    store.outage.retry_at = None

    messages = [(r.levelname, r.getMessage()[:24]) for r in caplog.records if r.name == "pagecache"]
    assert messages == [
        ("WARNING", "Page cache unavailable ("),
        ("INFO", "Page cache available aga"),
        ("WARNING", "Page cache unavailable ("),
    ]


@pytest.mark.django_db
def test_a_page_kept_in_the_process_is_answered_while_the_cache_is_down(
    client, milestone_a, settings, caplog, django_assert_num_queries
):
    """The process keeps the pages it stored last: with the shared cache gone, a kept page
    costs the data version only; a write changes its key, and the page is rendered again."""
    from roadmaps.services import record_status_update

    first = client.get(DASHBOARD)
    settings.CACHES = DEAD_REDIS
    store.outage.retry_at = None
    with caplog.at_level(logging.INFO, logger="pagecache"):
        with django_assert_num_queries(1):
            kept = client.get(DASHBOARD)
        record_status_update(
            milestone=milestone_a,
            status="achieved",
            note="Done.",
            evidence_url="https://example.org/evidence",
            expected_version=milestone_a.version,
        )
        after_write = client.get(DASHBOARD)
    store.outage.retry_at = None

    assert kept.content == first.content
    assert kept["ETag"] == first["ETag"]
    assert after_write.status_code == 200
    assert after_write["ETag"] != first["ETag"]
    assert after_write.content != first.content
    assert len(_pagecache_warnings(caplog)) == 1


@pytest.mark.django_db
def test_healthz_reports_the_cache_without_failing(client, dead_redis):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "unavailable"}


@pytest.mark.django_db
def test_healthz_reports_a_working_cache(client):
    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def _database_down(monkeypatch):
    """Every new cursor fails as psycopg / sqlite3 do when the server is gone."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [DASHBOARD, "/", "/sectors/sector-a/milestones/?format=json"],
)
def test_database_down_answers_503_in_the_site_layout(client, milestone_a, monkeypatch, path):
    _database_down(monkeypatch)

    response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert "<h1>The roadmap tracker is briefly unavailable</h1>" in html


@pytest.mark.django_db
def test_database_down_answers_503_to_signed_in_staff(client, steward_a, monkeypatch):
    client.force_login(steward_a)
    _database_down(monkeypatch)

    response = client.get("/staff/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b'<header class="site-header">' in response.content


@pytest.mark.django_db
def test_database_down_inside_the_view_answers_503(client, milestone_a, monkeypatch):
    # The version is known (held by a listener, or read before the failure): the view's own
    # query is the first to fail.
    held = (DataVersion.objects.get().version, DataVersion.objects.get().changed_at)
    monkeypatch.setattr("pagecache.middleware.current_data_version", lambda: held)
    _database_down(monkeypatch)

    response = client.get(DASHBOARD)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b'<header class="site-header">' in response.content


@pytest.mark.django_db
def test_other_database_errors_stay_500(client, milestone_a, monkeypatch):
    from django.db import ProgrammingError

    def broken(*args, **kwargs):
        raise ProgrammingError("a bug, not an outage")

    monkeypatch.setattr("pagecache.middleware.current_data_version", broken)
    client.raise_request_exception = False

    response = client.get(DASHBOARD)

    assert response.status_code == 500


@pytest.mark.django_db
def test_database_outage_is_logged_once(client, milestone_a, monkeypatch, caplog):
    store.database_outage.retry_at = None
    _database_down(monkeypatch)

    with caplog.at_level(logging.INFO, logger="pagecache"):
        statuses = [client.get(DASHBOARD).status_code for _ in range(4)]
        monkeypatch.undo()
        store.database_outage.retry_at = 0.0  # the back-off is over
        statuses.append(client.get(DASHBOARD).status_code)

    assert statuses == [503, 503, 503, 503, 200]
    messages = [
        (r.name, r.levelname, r.getMessage()[:38])
        for r in caplog.records
        if r.name in ("pagecache", "django.request")
    ]
    assert messages == [
        ("pagecache", "WARNING", "Database unavailable (OperationalError"),
        ("pagecache", "INFO", "Database available again."),
    ]
