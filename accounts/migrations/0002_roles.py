"""Create the "Facility managers" and "Ministry officials" groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.roles import (
    FACILITY_MANAGER_PERMISSIONS,
    FACILITY_MANAGERS,
    MINISTRY_OFFICIAL_PERMISSIONS,
    MINISTRY_OFFICIALS,
)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (
        (FACILITY_MANAGERS, FACILITY_MANAGER_PERMISSIONS),
        (MINISTRY_OFFICIALS, MINISTRY_OFFICIAL_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        codenames = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            codenames += [(app_label, f"{action}_{model}") for action in actions]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[FACILITY_MANAGERS, MINISTRY_OFFICIALS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("regions", "0001_initial"),
        ("rooms", "0001_initial"),
        ("reservations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
