"""Facility managers and ministry officials read the waitlists in the admin (managers: their
own rooms' only, by the admin's scope). Frozen names: the groups of accounts 0002."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Facility managers", "Ministry officials")
CODENAME = "view_entry"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("waitlist")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="waitlist", codename=CODENAME)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(
        content_type__app_label="waitlist", codename=CODENAME
    ):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("waitlist", "0001_waitlists"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
