from django.db import migrations


def build(apps, schema_editor):
    from roadmaps import counters

    counters.rebuild(
        milestones=apps.get_model("roadmaps", "Milestone"),
        model=apps.get_model("roadmaps", "ProgressCounter"),
        reviews=apps.get_model("roadmaps", "ReviewCounter"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    """The progress counters recounted, stage rows included, and the review counters counted
    (a migration of its own: on PostgreSQL, 0012's new foreign keys' indexes cannot be built
    after rows were written in the same transaction)."""

    dependencies = [
        ("roadmaps", "0013_progress_counter_stages"),
    ]

    operations = [
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
