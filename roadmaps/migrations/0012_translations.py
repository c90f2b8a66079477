"""Content translations (issue 15): a column per language beside each translated field
(django-modeltranslation) and, per language but English, the translation's review status.

The English text moves into the new `<field>_en` columns, which the application reads from
now on; the original columns keep their values (nothing is lost, and a rollback copies the
English columns back into them).

/search/'s GIN indexes (0010) follow: on PostgreSQL, one per table and language, on the
expression roadmaps.search filters by (search_document): the English one on the code and the
English columns, with the english configuration; the others on that language's columns, with
its own configuration (spanish, french, portuguese, german), so that a word is stemmed as its
language stems it.
"""

import resourcing.lib.validators
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce

ENGLISH = {
    "sector": ('name', 'description'),
    "roadmap": ('title', 'vision'),
    "theme": ('name', 'description'),
    "target": ('title', 'description'),
    "milestone": ('title', 'description'),
    "mineral": ('name', 'description'),
    "valuechainstage": ('name', 'description'),
}


def copy_english(apps, schema_editor):
    for name, fields in ENGLISH.items():
        model = apps.get_model("roadmaps", name)
        # The database being migrated (schema_editor's), not whichever is the default.
        model.objects.using(schema_editor.connection.alias).update(
            **{f"{field}_en": F(field) for field in fields}
        )


def copy_english_back(apps, schema_editor):
    for name, fields in ENGLISH.items():
        model = apps.get_model("roadmaps", name)
        model.objects.using(schema_editor.connection.alias).update(
            **{field: Coalesce(f"{field}_en", F(field)) for field in fields}
        )

SEARCH_TABLES = {"roadmaps_milestone": "milestone", "roadmaps_target": "target"}
# The search configuration of each language (PostgreSQL's built-in snowball stemmers);
# roadmaps.search.SEARCH_CONFIGS says the same.
SEARCH_CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "pt": "portuguese",
    "de": "german",
}
OLD_INDEXES = ["roadmaps_milestone_search", "roadmaps_target_search"]


def search_document(language: str) -> str:
    columns = ["code"] if language == "en" else []
    columns += [f"title_{language}", f"description_{language}"]
    text = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
    return f"to_tsvector('{SEARCH_CONFIGS[language]}'::regconfig, {text})"


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for table, short in SEARCH_TABLES.items():
        for language in SEARCH_CONFIGS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS roadmaps_{short}_search_{language} ON {table} "
                f"USING gin ({search_document(language)})"
            )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, short in SEARCH_TABLES.items():
        for language in SEARCH_CONFIGS:
            schema_editor.execute(f"DROP INDEX IF EXISTS roadmaps_{short}_search_{language}")
    old = (
        "to_tsvector('english'::regconfig, COALESCE(code, '') || ' ' || COALESCE(title, '') "
        "|| ' ' || COALESCE(description, ''))"
    )
    for name, table in zip(OLD_INDEXES, SEARCH_TABLES, strict=True):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({old})")


class Migration(migrations.Migration):

    dependencies = [
        ('roadmaps', '0011_progress_counters'),
        ('stakeholders', '0004_translations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='mineral',
            options={'ordering': ['name_en', 'slug'], 'verbose_name': 'mineral', 'verbose_name_plural': 'minerals'},
        ),
        migrations.AddField(
            model_name='milestone',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='description_pt',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='title_de',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='title_en',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='title_es',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='title_fr',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='title_pt',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='description_pt',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='name_de',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='name_en',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='name_es',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='name_fr',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='name_pt',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='mineral',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='title_de',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='title_en',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='title_es',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='title_fr',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='title_pt',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='vision_de',
            field=models.TextField(null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='2050 vision'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='vision_en',
            field=models.TextField(null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='2050 vision'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='vision_es',
            field=models.TextField(null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='2050 vision'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='vision_fr',
            field=models.TextField(null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='2050 vision'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='vision_pt',
            field=models.TextField(null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='2050 vision'),
        ),
        migrations.AddField(
            model_name='sector',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='sector',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='sector',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='sector',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='sector',
            name='description_pt',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_de',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_en',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_es',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_fr',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='name_pt',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='sector',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddField(
            model_name='target',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='target',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='target',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='target',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='target',
            name='description_pt',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_de',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_en',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_es',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_fr',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_pt',
            field=models.CharField(max_length=300, null=True, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='title'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='target',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='theme',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='theme',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='theme',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='theme',
            name='description_pt',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='theme',
            name='name_de',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='theme',
            name='name_en',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='theme',
            name='name_es',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='theme',
            name='name_fr',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='theme',
            name='name_pt',
            field=models.CharField(max_length=150, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='theme',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='description_es',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='description_pt',
            field=models.TextField(blank=True, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='name_de',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='name_en',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='name_es',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='name_fr',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='name_pt',
            field=models.CharField(max_length=100, null=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_source_de',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [de]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_source_es',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [es]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_source_fr',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [fr]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_source_pt',
            field=models.CharField(blank=True, help_text='For an official wording: the act and its language version.', max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters, resourcing.lib.validators.validate_not_a_formula], verbose_name='official source [pt]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_status_de',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [de]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_status_es',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [es]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_status_fr',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [fr]'),
        ),
        migrations.AddField(
            model_name='valuechainstage',
            name='translation_status_pt',
            field=models.CharField(choices=[('unreviewed', 'Unreviewed translation'), ('official', 'Official wording'), ('reviewed', 'Reviewed by consortium staff')], default='unreviewed', max_length=12, verbose_name='translation status [pt]'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='milestone_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='milestone_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='milestone_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='milestone_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='mineral',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='mineral_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='mineral',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='mineral_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='mineral',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='mineral_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='mineral',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='mineral_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='roadmap',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='roadmap_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='roadmap',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='roadmap_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='roadmap',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='roadmap_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='roadmap',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='roadmap_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='sector',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='sector_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='sector',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='sector_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='sector',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='sector_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='sector',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='sector_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='target_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='target_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='target_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='target_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='theme',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='theme_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='theme',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='theme_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='theme',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='theme_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='theme',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='theme_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='valuechainstage',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_es__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_es', 'official'), models.Q(('translation_source_es', ''), _negated=True)), _connector='OR'), name='valuechainstage_translation_es_valid', violation_error_message='Spanish: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='valuechainstage',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_fr__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_fr', 'official'), models.Q(('translation_source_fr', ''), _negated=True)), _connector='OR'), name='valuechainstage_translation_fr_valid', violation_error_message='French: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='valuechainstage',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_pt__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_pt', 'official'), models.Q(('translation_source_pt', ''), _negated=True)), _connector='OR'), name='valuechainstage_translation_pt_valid', violation_error_message='Portuguese: an official wording names its source.'),
        ),
        migrations.AddConstraint(
            model_name='valuechainstage',
            constraint=models.CheckConstraint(condition=models.Q(('translation_status_de__in', ['unreviewed', 'reviewed']), models.Q(('translation_status_de', 'official'), models.Q(('translation_source_de', ''), _negated=True)), _connector='OR'), name='valuechainstage_translation_de_valid', violation_error_message='German: an official wording names its source.'),
        ),
        migrations.RunPython(copy_english, copy_english_back),
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
