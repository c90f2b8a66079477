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
"""

import datetime

from django.apps import apps
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from pagecache import listener

EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def current_data_version() -> tuple[int, datetime.datetime]:
    """(version, changed_at) of the public data: held by this process's listener while its
    channel stands (no query), else one query by primary key."""
    channel = listener.listener(read_data_version)
    if channel is not None:
        held = channel.held()
        if held is not None:
            return held
    with connection.cursor() as cursor:
        return read_data_version(cursor)


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
    the old version (other processes hear of it through the NOTIFY sent with the bump)."""
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


def _already_bumped(conn) -> bool:
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
        func is _bumped and (sid is None or sid in sids)
        for sids, func, _robust in conn.run_on_commit
    )


def _update_row() -> None:
    from pagecache.models import DataVersion

    now = timezone.now()
    if connection.vendor == "postgresql":
        # One statement: the bump and its NOTIFY, delivered to every listening process when
        # (and only if) this transaction commits. Same query count as the plain UPDATE.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_version_table()} SET version = version + 1, changed_at = %s "  # noqa: S608
                "WHERE id = %s RETURNING pg_notify(%s, version::text)",
                [now, DataVersion.SINGLETON_PK, listener.CHANNEL],
            )
            changed = cursor.rowcount
    else:
        changed = DataVersion.objects.filter(pk=DataVersion.SINGLETON_PK).update(
            version=F("version") + 1, changed_at=now
        )
    if not changed:
        DataVersion.objects.get_or_create(
            pk=DataVersion.SINGLETON_PK, defaults={"version": 1, "changed_at": now}
        )


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
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _update_row()  # autocommit: the statement is the transaction
        listener.forget_held_version()
        return
    if _already_bumped(conn):
        return
    _update_row()
    transaction.on_commit(_bumped)


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
