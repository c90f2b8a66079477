"""The group "Consortium staff": exactly the permissions a steward needs.

Stewards read the roadmap content and change milestones (the admin and the staff form send
status changes through roadmaps.services.record_status_update); history is view-only. Which
sectors a steward may change is decided by Sector.stewards, not by these permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Consortium staff"
# Frozen here on purpose: a migration must not change when the application code does.
PERMISSIONS = [
    ("roadmaps", "view_sector"),
    ("roadmaps", "view_roadmap"),
    ("roadmaps", "view_theme"),
    ("roadmaps", "view_target"),
    ("roadmaps", "view_milestone"),
    ("roadmaps", "change_milestone"),
    ("roadmaps", "view_milestoneupdate"),
    ("stakeholders", "view_stakeholdergroup"),
]


def create_group(apps, schema_editor):
    # On a fresh database the permissions are only created by post_migrate, after every
    # migration has run: create them (and their content types) now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(
            app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias
        )
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    group, _created = Group.objects.using(alias).get_or_create(name=GROUP)
    permissions = [
        Permission.objects.using(alias).get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in PERMISSIONS
    ]
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name=GROUP
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0001_initial"),
        ("roadmaps", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
