"""Content translations (issue 15): a column per language beside each translated field
(django-modeltranslation) and, per language but English, the translation's review status.

The English text moves into the new `<field>_en` columns, which the application reads from
now on; the original columns keep their values (nothing is lost, and a rollback copies the
English columns back into them).
"""

import resourcing.lib.validators
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce

ENGLISH = {
    "stakeholdergroup": ('name', 'description'),
}


def copy_english(apps, schema_editor):
    for name, fields in ENGLISH.items():
        model = apps.get_model("stakeholders", name)
        # The database being migrated (schema_editor's), not whichever is the default.
        model.objects.using(schema_editor.connection.alias).update(
            **{f"{field}_en": F(field) for field in fields}
        )


def copy_english_back(apps, schema_editor):
    for name, fields in ENGLISH.items():
        model = apps.get_model("stakeholders", name)
        model.objects.using(schema_editor.connection.alias).update(
            **{field: Coalesce(f"{field}_en", F(field)) for field in fields}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('stakeholders', '0003_text_field_validators'),
    ]

    operations = [
        migrations.AddField(
            model_name='stakeholdergroup',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='description_pt',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='name_de',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='name_en',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='name_es',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='name_fr',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='name_pt',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='stakeholdergroup',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddConstraint(
            model_name='stakeholdergroup',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='stakeholdergroup_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='stakeholdergroup',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='stakeholdergroup_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='stakeholdergroup',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='stakeholdergroup_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='stakeholdergroup',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='stakeholdergroup_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.RunPython(copy_english, copy_english_back),
    ]
