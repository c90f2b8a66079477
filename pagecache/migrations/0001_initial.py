import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """DataVersion moves from roadmaps to pagecache: only Django's model state changes.

    The table (roadmaps_dataversion, created by roadmaps 0002 with its row) stays where it is
    on fresh and existing databases alike; roadmaps 0005 drops the model from roadmaps' state.
    """

    initial = True

    dependencies = [
        ("roadmaps", "0002_performance_indexes_data_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("version", models.PositiveBigIntegerField(default=1, verbose_name="version")),
                        (
                            "changed_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="changed at"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "data version",
                        "verbose_name_plural": "data versions",
                        "db_table": "roadmaps_dataversion",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
