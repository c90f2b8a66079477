"""The data version held per process, kept fresh by LISTEN/NOTIFY (issue 18; PostgreSQL)."""

import time

import pytest
from django.db import connection, transaction

from pagecache import listener as listener_module
from pagecache.listener import VersionListener
from pagecache.versions import bump_data_version, current_data_version, read_data_version


def _wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def running_listener(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    channel = VersionListener(params, read_data_version, heartbeat=0.3)
    channel.start()
    assert _wait_for(lambda: channel.held() is not None)
    yield channel
    channel.stop()


def _version_now():
    with connection.cursor() as cursor:
        return read_data_version(cursor)


@pytest.mark.postgres
def test_listener_holds_the_version_and_hears_each_commit(running_listener):
    assert running_listener.held() == _version_now()

    with transaction.atomic():
        bump_data_version()
        bump_data_version()  # once per transaction
    after = _version_now()

    assert _wait_for(lambda: running_listener.held() == after)
    assert after[0] == running_listener.held()[0]


@pytest.mark.postgres
def test_a_rolled_back_bump_is_never_heard(running_listener):
    before = running_listener.held()

    with pytest.raises(RuntimeError), transaction.atomic():
        bump_data_version()
        raise RuntimeError

    time.sleep(0.2)
    assert running_listener.held() == before == _version_now()


@pytest.mark.postgres
def test_a_lost_channel_falls_back_to_reading_and_comes_back(running_listener, caplog):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            [listener_module.APPLICATION_NAME],
        )
    # Until it is back, nothing is held: requests read the row.
    assert _wait_for(lambda: running_listener.held() is None, seconds=6)
    bump_data_version()  # a write while the channel is down

    assert _wait_for(lambda: running_listener.held() == _version_now(), seconds=5)
    messages = [(r.levelname, r.getMessage()[:27]) for r in caplog.records if r.name == "pagecache"]
    assert messages == [
        ("WARNING", "Data version channel lost ("),
        ("INFO", "Data version channel restor"),
    ]


@pytest.mark.postgres
def test_requests_use_the_held_version_without_a_query(
    running_listener, monkeypatch, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_LISTEN = True
    monkeypatch.setattr(listener_module, "_listener", running_listener)
    monkeypatch.setattr(listener_module, "_listener_pid", listener_module.os.getpid())

    with django_assert_num_queries(0):
        held = current_data_version()
    bump_data_version()  # autocommit: this process drops its held value at once
    with django_assert_num_queries(1):
        fresh = current_data_version()

    assert fresh[0] == held[0] + 1
    assert _wait_for(lambda: running_listener.held() == fresh)


def test_listener_is_off_in_tests_and_on_sqlite(settings):
    assert settings.PAGE_CACHE_LISTEN is False
    settings.PAGE_CACHE_LISTEN = True
    assert listener_module.enabled() is (connection.vendor == "postgresql")


# SQLite: the version held while the connection's change counter (PRAGMA data_version) stays.


@pytest.fixture
def sqlite_held(transactional_db, settings):
    from pagecache import versions
    from pagecache.models import DataVersion

    if connection.vendor != "sqlite":
        pytest.skip("PRAGMA data_version is SQLite's")
    settings.PAGE_CACHE_LISTEN = True
    # A transactional test before this one flushed the database: the migration's row again.
    DataVersion.objects.get_or_create(pk=DataVersion.SINGLETON_PK)
    versions._forget_on_sqlite()
    yield
    versions._forget_on_sqlite()


def _other_connection():
    import sqlite3

    return sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)


def test_sqlite_holds_the_version_until_another_connection_commits(
    sqlite_held, django_assert_num_queries
):
    with django_assert_num_queries(1):
        held = current_data_version()
    with django_assert_num_queries(0):
        assert current_data_version() == held

    other = _other_connection()
    other.execute("UPDATE roadmaps_dataversion SET version = version + 1 WHERE id = 1")
    with django_assert_num_queries(1):
        fresh = current_data_version()
    assert fresh[0] == held[0] + 1
    with django_assert_num_queries(0):
        assert current_data_version() == fresh

    # Any commit makes it read the row again (here one that changes no version).
    other.execute("UPDATE roadmaps_dataversion SET changed_at = changed_at WHERE id = 1")
    with django_assert_num_queries(1):
        assert current_data_version() == fresh
    other.close()


def test_sqlite_own_writes_drop_the_held_version(sqlite_held, django_assert_num_queries):
    held = current_data_version()

    bump_data_version()  # autocommit on this connection: its own counter does not move
    with django_assert_num_queries(1):
        assert current_data_version()[0] == held[0] + 1

    with transaction.atomic():
        bump_data_version()
    with django_assert_num_queries(1):
        assert current_data_version()[0] == held[0] + 2


def test_sqlite_never_holds_inside_a_transaction(sqlite_held, django_assert_num_queries):
    held = current_data_version()

    with transaction.atomic():
        with django_assert_num_queries(1):
            assert current_data_version() == held
        bump_data_version()
        assert current_data_version()[0] == held[0] + 1
        transaction.set_rollback(True)

    # The rolled-back bump is not held: the row says the old version again.
    with django_assert_num_queries(1):
        assert current_data_version() == held
