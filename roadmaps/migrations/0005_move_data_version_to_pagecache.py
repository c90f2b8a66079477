from django.db import migrations


class Migration(migrations.Migration):
    """DataVersion now belongs to pagecache (see pagecache 0001): state only, the table stays."""

    dependencies = [
        ("roadmaps", "0004_note_control_characters"),
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DataVersion")],
            database_operations=[],
        ),
    ]
