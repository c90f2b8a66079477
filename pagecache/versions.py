"""The data version: known to every public request, bumped once per write transaction.

Freshness (design.md): a write is visible on every public page at once, in every server
process. So the version lives in the database (`pagecache.models.DataVersion`, one row),
bumped inside the writer's transaction, and every public request knows it first: on
PostgreSQL each process holds it and hears of every bump through LISTEN/NOTIFY
(pagecache.listener; the row is read per request whenever that channel is not up), on SQLite
it reads the row (in-process, no round trip).

Who bumps: any save, delete or many-to-many change of a model some app declares public
(`public_models` on its AppConfig, next to its models) bumps through the signals wired here;
a writer that changes public rows with `QuerySet.update()` (which sends no signal) calls
`bump_data_version()` itself. However many rows a transaction writes (an import, loaddata,
demo data), the version row is updated once: the first bump of a transaction marks it, and
the mark lives exactly as long as that bump can (see `_already_bumped`).

The same row holds the past version: what the history says of a day already over. Every bump
bumps it too, except inside `past_unchanged()`: a status or deadline change recorded now only
appends history dated now, which changes no past day. Stored past progress
(roadmaps.PastProgress) is valid only at the past version it was computed at.
"""

import contextlib
import contextvars
import datetime
import threading

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from pagecache import listener

EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

# Set by past_unchanged(): the writes under way leave every past day as it was.
_past_kept = contextvars.ContextVar("past_kept", default=False)


@contextlib.contextmanager
def past_unchanged(kept: bool = True):
    """The writes inside change no past day's history (`kept`): their bumps leave the past
    version alone. Only for a writer that appends history dated today or later and changes
    nothing else a past day is computed from (roadmaps.services' status and deadline writers).
    """
    token = _past_kept.set(kept)
    try:
        yield
    finally:
        _past_kept.reset(token)


def current_past_version() -> int:
    """The past version (one query by primary key)."""
    return next(iter(past_version_row()), {"past_version": 0})["past_version"]


def past_version_row():
    """A subquery of the past version, for a query that reads it with what it stores."""
    from pagecache.models import DataVersion

    return DataVersion.objects.filter(pk=DataVersion.SINGLETON_PK).values("past_version")[:1]


def current_data_version() -> tuple[int, datetime.datetime]:
    """(version, changed_at) of the public data: held by this process's listener while its
    channel stands (no query), on SQLite held while no other connection has written (see
    `_held_on_sqlite`), else one query by primary key."""
    channel = listener.listener(read_data_version)
    if channel is not None:
        held = channel.held()
        if held is not None:
            return held
    conn = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` looks it up again
    if channel is None and conn.vendor == "sqlite" and settings.PAGE_CACHE_LISTEN:
        return _held_on_sqlite(conn)
    with conn.cursor() as cursor:
        return read_data_version(cursor)


# SQLite: (the connection, its data_version, the version read) per thread.
_sqlite = threading.local()


def _held_on_sqlite(conn) -> tuple[int, datetime.datetime]:
    """SQLite's own change counter instead of the row: `PRAGMA data_version` of a connection
    changes whenever any other connection (another process, another thread) commits, and it
    is answered from the connection's state, without reading a table. The version row is
    read only when it changed since the last read on this connection, or after this
    connection's own writes (`_forget_on_sqlite`, called by every bump). Never inside a
    transaction: there the row is read, as a rolled-back write must not leave a version held.
    """
    if conn.in_atomic_block:
        with conn.cursor() as cursor:
            return read_data_version(cursor)
    if conn.connection is None:
        conn.ensure_connection()
    raw = conn.connection
    (change,) = raw.execute("PRAGMA data_version").fetchone()
    held = getattr(_sqlite, "held", None)
    # The connection object itself, not its id: a new connection starts its own counter.
    if held is not None and held[0] is raw and held[1] == change:
        return held[2]
    with conn.cursor() as cursor:
        value = read_data_version(cursor)
    _sqlite.held = (raw, change, value)
    return value


def _forget_on_sqlite() -> None:
    _sqlite.held = None


def _version_table() -> str:
    from pagecache.models import DataVersion

    return connection.ops.quote_name(DataVersion._meta.db_table)


def read_data_version(cursor) -> tuple[int, datetime.datetime]:
    """The row, read with `cursor` (the request's connection, or the listener's own)."""
    from pagecache.models import DataVersion

    # Plain SQL: building the ORM query cost more than running it, on every request.
    cursor.execute(
        f"SELECT version, changed_at FROM {_version_table()} WHERE id = %s",  # noqa: S608
        [DataVersion.SINGLETON_PK],
    )
    row = cursor.fetchone()
    # The migration creates the row; a test database flush may have removed it.
    if row is None:
        return 0, EPOCH
    version, changed_at = row
    if isinstance(changed_at, str):  # SQLite hands back the stored text
        changed_at = datetime.datetime.fromisoformat(changed_at)
    if changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=datetime.UTC)
    # One spelling whichever connection read it: ETags and keys are built from it.
    return version, changed_at.astimezone(datetime.UTC)


def _bumped() -> None:
    """The on_commit marker of a bumped transaction. At commit: this process stops holding
    the old version (other processes hear of it through the NOTIFY sent with the bump, or,
    on SQLite, through its change counter; this one forgot its SQLite version at the bump)."""
    listener.forget_held_version()


def _write_transaction_savepoint(conn):
    """The savepoint id of the writer's outermost atomic block, None when that block is the
    database transaction itself; False when it cannot be told apart (then every bump counts).

    A test case's own atomic blocks (pytest-django, TestCase) are not the writer's: each
    request or service call inside a test is its own write transaction, as in production.
    Only there can the writer's block lack a savepoint of its own (`atomic(savepoint=False)`
    inside the test's transaction, as Django's delete() and m2m add() do).
    """
    for index, block in enumerate(conn.atomic_blocks):
        if not getattr(block, "_from_testcase", False):
            if index == 0:
                return None
            sid = conn.savepoint_ids[index - 1]
            return False if sid is None else sid
    return False


def _past_bumped() -> None:
    """The on_commit marker of a transaction that bumped the past version too."""


def _already_bumped(conn, marker=_bumped) -> bool:
    """Has the current write transaction bumped, in a part of it that still stands?

    The mark is an on_commit callback, because Django already ties those to the right
    lifetime: a commit runs and clears them (the next transaction bumps again), a rollback
    clears them, and rolling back to a savepoint drops the ones registered inside it, exactly
    as it undoes the UPDATE made there (so a later write in the same transaction bumps again).
    """
    sid = _write_transaction_savepoint(conn)
    if sid is False:
        return False
    return any(
        func is marker and (sid is None or sid in sids)
        for sids, func, _robust in conn.run_on_commit
    )


def _update_row(past: bool = True) -> None:
    """Bump the version, and the past version too when `past`: one statement."""
    from pagecache.models import DataVersion

    now = timezone.now()
    # One statement, written out: the bump runs on every write (a test's factory rows too),
    # and building it through the ORM cost more than running it.
    sql = (
        f"UPDATE {_version_table()} SET version = version + 1, changed_at = %s, "  # noqa: S608
        "past_version = past_version + %s WHERE id = %s"
    )
    params = [connection.ops.adapt_datetimefield_value(now), int(past), DataVersion.SINGLETON_PK]
    if connection.vendor == "postgresql":
        # With its NOTIFY, delivered to every listening process when (and only if) this
        # transaction commits. Same query count as the plain UPDATE.
        sql += " RETURNING pg_notify(%s, version::text)"
        params.append(listener.CHANNEL)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        changed = cursor.rowcount
    if not changed:
        DataVersion.objects.get_or_create(
            pk=DataVersion.SINGLETON_PK, defaults={"version": 1, "changed_at": now}
        )
    # This connection's own writes do not change its SQLite change counter.
    _forget_on_sqlite()


def lock_data_version() -> None:
    """Take the data version's row lock for the rest of the transaction: what an import
    does before reading anything, so imports run one at a time (every write takes the lock
    anyway, to bump the version)."""
    from pagecache.models import DataVersion

    list(DataVersion.objects.select_for_update().filter(pk=DataVersion.SINGLETON_PK))


def bump_data_version() -> None:
    """Make every cached page and ETag stale, once per write transaction.

    Call inside the writer's transaction. On PostgreSQL the UPDATE holds the row's lock until
    the writer commits, so concurrent writers queue here; writes are rare (staff status
    updates, admin edits, imports), reads never wait (MVCC).
    """
    past = not _past_kept.get()
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _update_row(past)  # autocommit: the statement is the transaction
        listener.forget_held_version()
        return
    bumped = _already_bumped(conn)
    if bumped and (not past or _already_bumped(conn, _past_bumped)):
        return
    # A write that changes the past, after one that did not in the same transaction, bumps
    # the row again: the version twice, harmless (only its changes matter).
    _update_row(past)
    if not bumped:
        transaction.on_commit(_bumped)
    if past:
        transaction.on_commit(_past_bumped)


def _bump_on_save(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a user signing in changes nothing public
    bump_data_version()


def _bump_on_delete(sender, **kwargs):
    bump_data_version()


def _bump_on_m2m(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_data_version()


def public_models() -> list:
    """Every model an installed app declares public (`public_models` on its AppConfig)."""
    return [
        config.get_model(name)
        for config in apps.get_app_configs()
        for name in getattr(config, "public_models", ())
    ]


def connect_invalidation_signals() -> None:
    """Called from PageCacheConfig.ready(): management commands and servers alike."""
    for model in public_models():
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(_bump_on_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_bump_on_delete, sender=model, dispatch_uid=uid)
        # Links between public rows (a milestone's stakeholder groups, a sector's stewards).
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            m2m_changed.connect(
                _bump_on_m2m, sender=through, dispatch_uid=f"pagecache:{through._meta.label}"
            )
