"""GIN indexes for /search/ on PostgreSQL (roadmaps.search).

Each index is on the same expression as the search's filter, to_tsvector('english', code ||
' ' || title || ' ' || description), so that PostgreSQL can use it for `document @@ query`.
SQLite has no full-text vectors: there the migration does nothing and search falls back to
icontains (roadmaps.search's docstring).
"""

from django.db import migrations

INDEXES = {
    # /search/: milestones matching the words typed.
    "roadmaps_milestone_search": "roadmaps_milestone",
    # /search/: targets matching the words typed.
    "roadmaps_target_search": "roadmaps_target",
}
DOCUMENT = (
    "to_tsvector('english'::regconfig, COALESCE(code, '') || ' ' || COALESCE(title, '') "
    "|| ' ' || COALESCE(description, ''))"
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({DOCUMENT})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("roadmaps", "0009_review_settings")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
