import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Progress counters of each value-chain stage (and of no stage), review counters (both
    counted by 0013); an index for the deadline changes, which slippage reads alone."""

    dependencies = [
        ("roadmaps", "0012_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="progresscounter",
            name="stage",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="roadmaps.valuechainstage",
            ),
        ),
        migrations.CreateModel(
            name="ReviewCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reviewed_on", models.DateField(null=True)),
                ("status", models.CharField(max_length=20)),
                ("milestones", models.IntegerField()),
                (
                    "roadmap",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="roadmaps.roadmap",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["roadmap", "reviewed_on"], name="roadmaps_re_roadmap_2ab69e_idx"
                    )
                ]
            },
        ),
        migrations.AddIndex(
            model_name="milestoneupdate",
            index=models.Index(
                fields=["kind", "milestone", "created_at"], name="milestoneupdate_kind_idx"
            ),
        ),
    ]
