"""The data version held in each server process, kept fresh by PostgreSQL LISTEN/NOTIFY.

Reading the version row on every public request cost PostgreSQL a network round trip before
the cache could answer (make bench: a 304 at 0.6x a static file). Instead each process holds
the version, and a thread with its own connection LISTENs on `CHANNEL`; every bump sends
NOTIFY in its own transaction (pagecache.versions), which PostgreSQL delivers exactly when,
and only if, that transaction commits. On a notification the thread reads the row again.

Safe fallback: the held version is used only while the channel stands. Until the thread has
LISTENed and read the row, after it loses its connection (any error, or a heartbeat read
failing: TCP keepalives and a user timeout bound how long a silent loss goes unnoticed), and
while it reconnects, `held()` answers None and requests read the row per request, as before.
LISTEN comes before the first read, so no commit can fall between them unnoticed.

A process's own writes also drop its held version at commit (`forget()`), so the writer's
next request never waits for its own notification; other processes see the write once the
notification reaches them, well under a millisecond on one host and always before their
next read of the row could have been answered.

Why not Redis pub/sub when REDIS_URL is set: a publish can only follow the commit, and a
process ending between the two loses it for good; NOTIFY is part of the transaction. On
SQLite there is no round trip to save (the database is a file read in-process, one indexed
read by primary key costs microseconds), so SQLite keeps the per-request read, which is
fresh for every process on the machine by construction.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import connection

logger = logging.getLogger("pagecache")

CHANNEL = "pagecache_data_version"
# How the listeners show in pg_stat_activity.
APPLICATION_NAME = "pagecache-listener"
# With no notification for this long, read the row anyway: a dead connection shows itself.
HEARTBEAT_SECONDS = 5.0
RECONNECT_SECONDS = 1.0
# libpq: notice a peer that stopped answering within seconds, not TCP's default hours.
_KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 5000,
    "connect_timeout": 5,
}


class VersionListener:
    """One per process: a daemon thread holding (version, changed_at) while LISTENing."""

    def __init__(self, connection_params: dict, read_version, *, heartbeat=HEARTBEAT_SECONDS):
        self._heartbeat = heartbeat
        self._params = {
            **connection_params,
            **_KEEPALIVE,
            "autocommit": True,
            "application_name": APPLICATION_NAME,
        }
        self._read_version = read_version  # (cursor) -> (version, changed_at)
        self._held = None
        # Bumped by forget(): a read that started before a local commit must not be held.
        self._generation = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._lost_logged = False
        self.thread = threading.Thread(target=self._run, name="pagecache-listener", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=self._heartbeat + 1)

    def held(self):
        return self._held

    def forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._held = None

    def _refresh(self, conn) -> None:
        with self._lock:
            generation = self._generation
        with conn.cursor() as cursor:
            value = self._read_version(cursor)
        with self._lock:
            if generation == self._generation:
                self._held = value
            else:
                # A local commit came in between: the value may predate it. Read again now
                # rather than hold it (the commit's own notification would also fix it).
                self._held = None

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(**self._params) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._refresh(conn)
                    if self._lost_logged:
                        logger.info("Data version channel restored.")
                        self._lost_logged = False
                    while not self._stop.is_set():
                        # Wait for one notification or the heartbeat; the generator holds the
                        # connection, so the row is read after it ends. The read also shows a
                        # dead connection (it raises), and replaces a value forget() dropped.
                        for _notify in conn.notifies(timeout=self._heartbeat, stop_after=1):
                            pass
                        self._refresh(conn)
            except Exception as exc:
                self.forget()
                if not self._lost_logged:
                    logger.warning(
                        "Data version channel lost (%s: %s): reading the version per request "
                        "until it is back.",
                        type(exc).__name__,
                        exc,
                    )
                    self._lost_logged = True
                self._stop.wait(RECONNECT_SECONDS)
        self.forget()


_listener: VersionListener | None = None
_listener_pid: int | None = None
_start_lock = threading.Lock()


def enabled() -> bool:
    return settings.PAGE_CACHE_LISTEN and connection.vendor == "postgresql"


def listener(read_version) -> VersionListener | None:
    """This process's listener, started on first use (after gunicorn forks its workers)."""
    global _listener, _listener_pid
    pid = os.getpid()
    if _listener_pid == pid:
        return _listener
    with _start_lock:
        if _listener_pid != pid:
            _listener = None
            if enabled():
                params = connection.get_connection_params()
                params.pop("cursor_factory", None)
                params.pop("context", None)
                _listener = VersionListener(params, read_version)
                _listener.start()
            # Decided once per process (and again in a forked child): no cost per request.
            _listener_pid = pid
    return _listener


def forget_held_version() -> None:
    """After this process committed a bump: read the row until the notification is in."""
    if _listener is not None and _listener_pid == os.getpid():
        _listener.forget()
