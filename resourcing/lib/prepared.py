"""Queries whose SQL takes longer to build than to run: built once per shape.

Django builds a query's SQL from its expressions on every call. Progress over time (one
conditional aggregate per measure, day and sector: some 550 aggregates and 100 KB of SQL for
three sectors and thirteen days) took 290 ms to build and 10 ms to run at fixture size; a
dashboard's progress by target from the counters, 3 ms to build and under 1 ms to run. Here
the SQL and parameters a query ran with are kept under a key that names everything they
depend on, and the next call with the same key runs them without building the query again:
the same one query, the same result.

Only for queries whose columns are integers or strings (counts, sums, ids, keys), which come
back from the database as Django gives them, with no converter: a kept query's rows are not
converted. A result holding any other type is not kept (a guard, not the rule: a column that
is None in every row of the first result cannot show its type).
"""

import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation

# Entries kept (the least recently used go first): a page asks for a handful of shapes.
MAX_ENTRIES = 256

_entries: OrderedDict = OrderedDict()
_lock = threading.Lock()


def aggregate(key, build, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """`queryset.aggregate(**aggregates)` for `(queryset, aggregates) = build()`: one query.

    `key` (hashable) must name everything the query's SQL and parameters depend on (ids,
    days, today's date); the connection, its vendor, the time zone and the active language
    are added here. The first call with a key builds and runs the query and keeps its SQL,
    parameters and column names; later calls run those without calling `build`.
    """

    def run():
        queryset, aggregates = build()
        result = queryset.using(using).aggregate(**aggregates)
        # Django names the row's columns in this order (zip of its aggregates and the row).
        return [result], tuple(result)

    return _run("aggregate", key, run, using, single=True)


def rows(key, build, *, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
    """`list(queryset)` for a `.values()` QuerySet `build()`: one query, kept as
    aggregate() keeps it (same `key` rules)."""

    def run():
        queryset = build().using(using)
        query = queryset.query
        # The names ValuesIterable gives each row's columns, in order.
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        return list(queryset), names

    return _run("rows", key, run, using, single=False)


# A key part that keeps nothing: base_key() of a QuerySet that can match no row.
NOT_KEPT = object()


def base_key(queryset):
    """A key part naming a QuerySet's rows: its SQL and parameters (a plain filter costs
    little to build, unlike the aggregates over it). NOT_KEPT when it matches nothing
    (`none()`, `pk__in=[]`): Django answers those without a query."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return NOT_KEPT
    return (sql, tuple(params))


def _run(kind: str, key, run, using: str, *, single: bool):
    if isinstance(key, tuple) and NOT_KEPT in key:
        return _unwrap(run()[0], single)
    connection = connections[using]
    full_key = (
        using,
        connection.vendor,
        timezone.get_current_timezone_name(),
        translation.get_language(),
        kind,
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
            found = [cursor.fetchone()] if single else cursor.fetchall()
        return _unwrap([dict(zip(names, row, strict=True)) for row in found], single)

    ran = []

    def capture(execute, sql, params, many, context):
        outcome = execute(sql, params, many, context)
        ran.append((sql, tuple(params or ()), len(context["cursor"].description or ())))
        return outcome

    with connection.execute_wrapper(capture):
        result, names = run()
    if _keepable(ran, result, names):
        sql, params, _columns = ran[0]
        with _lock:
            _entries[full_key] = (sql, params, names)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return _unwrap(result, single)


def _unwrap(result: list, single: bool):
    return result[0] if single else result


def _keepable(ran: list, result: list, names: tuple) -> bool:
    """One query ran, with a column per name, and every value is an integer, a string or
    None (no converter changed it)."""
    if len(ran) != 1 or ran[0][2] != len(names):
        return False
    return all(
        value is None or type(value) in (int, str) for row in result for value in row.values()
    )


def forget() -> None:
    """Drop every kept query (tests)."""
    with _lock:
        _entries.clear()
