"""Natural-key look-ups remembered for the length of one fixture load.

loaddata resolves every natural key it meets with a query: each row's own, and each foreign
key and many-to-many value naming another row. A fixture names the same few rows again and
again (a stakeholder group on every milestone, a target on each of its milestones), so inside
`remembered()` (roadmaps' loaddata) a row found once is not looked up again. Only rows found
are remembered: a key that names no row yet is asked again, so a row the load creates is
found once it exists. A remembered row keeps its primary key for the load (loaddata deletes
nothing, and a natural key names its row), and the primary key is all loaddata reads of it.
"""

import contextlib
import contextvars

_remembered = contextvars.ContextVar("natural_keys_remembered", default=None)


@contextlib.contextmanager
def remembered():
    """Remember the rows `get` finds until the block ends."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def get(manager, **lookup):
    """`manager.get(**lookup)`: a manager's get_by_natural_key, remembered inside remembered()."""
    rows = _remembered.get()
    if rows is None:
        return manager.get(**lookup)
    key = (manager.model, manager.db, tuple(lookup.items()))
    row = rows.get(key)
    if row is None:
        row = rows[key] = manager.get(**lookup)
    return row
