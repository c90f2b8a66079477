# Minerals and value-chain stages (issue 13); the sector's free-text minerals field gives way
# to links (fixtures/minerals.json).

import resourcing.lib.fields
import resourcing.lib.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('roadmaps', '0007_deadline_changes'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='sector',
            name='minerals',
        ),
        migrations.CreateModel(
            name='Mineral',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True, verbose_name='slug')),
                ('name', models.CharField(max_length=100, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name')),
                ('symbol', models.CharField(blank=True, help_text='Blank for a group of elements or minerals (rare earths, mica).', max_length=5, verbose_name='chemical symbol')),
                ('is_critical', models.BooleanField(default=False, verbose_name='critical raw material (CRMA Annex II)')),
                ('is_strategic', models.BooleanField(default=False, verbose_name='strategic raw material (CRMA Annex I)')),
                ('description', models.TextField(blank=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description')),
                ('source_title', models.CharField(blank=True, max_length=300, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='source title')),
                ('source_url', resourcing.lib.fields.HttpURLField(blank=True, max_length=500, verbose_name='source URL')),
                ('milestones', models.ManyToManyField(blank=True, related_name='minerals', to='roadmaps.milestone', verbose_name='milestones')),
                ('sectors', models.ManyToManyField(blank=True, help_text='Sectors whose roadmap names this mineral.', related_name='minerals', to='roadmaps.sector', verbose_name='sectors')),
                ('targets', models.ManyToManyField(blank=True, related_name='minerals', to='roadmaps.target', verbose_name='targets')),
            ],
            options={
                'verbose_name': 'mineral',
                'verbose_name_plural': 'minerals',
                'ordering': ['name', 'slug'],
                'constraints': [models.CheckConstraint(condition=models.Q(('is_strategic', False), ('is_critical', True), _connector='OR'), name='mineral_strategic_is_critical', violation_error_message='A strategic raw material is also critical (CRMA Annex II lists every strategic one).'), models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='mineral_slug_not_empty'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='mineral_name_not_empty'), models.CheckConstraint(condition=models.Q(('source_url__startswith', 'http://'), ('source_url__startswith', 'https://'), ('source_url', ''), _connector='OR'), name='mineral_source_url_http')],
            },
        ),
        migrations.CreateModel(
            name='ValueChainStage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True, verbose_name='slug')),
                ('name', models.CharField(max_length=100, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='name')),
                ('description', models.TextField(blank=True, validators=[resourcing.lib.validators.validate_no_control_characters], verbose_name='description')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('milestones', models.ManyToManyField(blank=True, related_name='stages', to='roadmaps.milestone', verbose_name='milestones')),
            ],
            options={
                'verbose_name': 'value-chain stage',
                'verbose_name_plural': 'value-chain stages',
                'ordering': ['order', 'slug'],
                'constraints': [models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='valuechainstage_slug_not_empty'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='valuechainstage_name_not_empty')],
            },
        ),
    ]
