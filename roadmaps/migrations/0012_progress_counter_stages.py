import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Progress counters of each value-chain stage (and of no stage; recounted by 0013); an
    index for the deadline changes, which slippage reads alone."""

    dependencies = [
        ("roadmaps", "0011_progress_counters"),
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
        migrations.AddIndex(
            model_name="milestoneupdate",
            index=models.Index(
                fields=["kind", "milestone", "created_at"], name="milestoneupdate_kind_idx"
            ),
        ),
    ]
