"""Aggregate queries whose SQL takes longer to build than to run: built once per shape.

Django builds a query's SQL from its expressions on every call. Progress over time (one
conditional aggregate per measure, day and sector: some 550 aggregates and 100 KB of SQL for
three sectors and thirteen days) took 290 ms to build and 10 ms to run at fixture size. Here
the SQL and parameters a query ran with are kept under a key that names everything they
depend on, and the next call with the same key runs them without building the query again:
the same one query, the same result.
"""

import threading
from collections import OrderedDict

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation

# Entries kept (the least recently used go first): a page asks for a handful of shapes.
MAX_ENTRIES = 64

_entries: OrderedDict = OrderedDict()
_lock = threading.Lock()


def aggregate(key, build, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """`queryset.aggregate(**aggregates)` for `(queryset, aggregates) = build()`, one query.

    `key` (hashable) must name everything the query's SQL and parameters depend on (ids,
    days, today's date); the connection, its vendor, the time zone and the active language
    are added here. The first call with a key builds and runs the query and keeps its SQL,
    parameters and column names; later calls run those without calling `build`. Only
    results made of integers (counts) and None are kept: they need no conversion from what
    the database returns.
    """
    connection = connections[using]
    full_key = (
        using,
        connection.vendor,
        timezone.get_current_timezone_name(),
        translation.get_language(),
        key,
    )
    with _lock:
        entry = _entries.get(full_key)
        if entry is not None:
            _entries.move_to_end(full_key)
    if entry is not None:
        sql, params, names = entry
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return dict(zip(names, row, strict=True))

    queryset, aggregates = build()
    ran = []

    def capture(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        ran.append((sql, tuple(params or ()), len(context["cursor"].description or ())))
        return result

    with connection.execute_wrapper(capture):
        result = queryset.using(using).aggregate(**aggregates)
    if _keepable(ran, result):
        sql, params, _columns = ran[0]
        with _lock:
            # Django names the row's columns in this order (zip of its aggregates and the row).
            _entries[full_key] = (sql, params, tuple(result))
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return result


def _keepable(ran: list, result: dict) -> bool:
    """One query ran, with a column per name of the result, and every value is an integer or
    None (no converter changed it)."""
    if len(ran) != 1 or ran[0][2] != len(result):
        return False
    return all(value is None or type(value) is int for value in result.values())


def forget() -> None:
    """Drop every kept query (tests)."""
    with _lock:
        _entries.clear()
