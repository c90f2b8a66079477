from django.db import migrations, models


def build(apps, schema_editor):
    """Counted by 0013_recount_progress_counters, which adds the stage rows: roadmaps.counters
    writes the columns of the latest model, which this migration's model lacks."""


class Migration(migrations.Migration):
    dependencies = [
        ("roadmaps", "0010_search_indexes"),
        ("stakeholders", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgressCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("granularity", models.CharField(max_length=4)),
                ("due_year", models.PositiveSmallIntegerField()),
                ("due_date", models.DateField()),
                ("status", models.CharField(max_length=20)),
                ("provenance", models.CharField(max_length=20)),
                ("is_project_event", models.BooleanField()),
                ("milestones", models.IntegerField()),
                (
                    "group",
                    models.ForeignKey(
                        null=True,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="stakeholders.stakeholdergroup",
                    ),
                ),
                (
                    "roadmap",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE, related_name="+", to="roadmaps.roadmap"
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        null=True,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="roadmaps.target",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["roadmap", "granularity", "due_year"],
                        name="roadmaps_pr_roadmap_38e702_idx",
                    )
                ]
            },
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
