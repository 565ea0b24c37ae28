"""Recurring bookings: the Series model, each booking's link to its series, and the roles'
permissions on series (facility managers view and decide, ministry officials view).

Frozen: the group names and grants are written out here, not imported.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


GRANTS = {
    "Facility managers": ("view_series", "change_series"),
    "Ministry officials": ("view_series",),
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("reservations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="reservations", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="reservations", codename__endswith="_series"
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reservations', '0008_schedule_versions'),
        ('rooms', '0003_facility_code_pattern'),
        ("accounts", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Series',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('frequency', models.CharField(choices=[('weekly', 'Every week'), ('fortnightly', 'Every two weeks'), ('monthly', 'Every month, same weekday of the same week')], max_length=16, verbose_name='repeats')),
                ('first_start', models.DateTimeField(verbose_name='first start')),
                ('first_end', models.DateTimeField(verbose_name='first end')),
                ('until', models.DateField(blank=True, null=True, verbose_name='until')),
                ('count', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='number of dates')),
                ('last_day', models.DateField(verbose_name='last date')),
                ('attendees', models.PositiveSmallIntegerField(verbose_name='attendees')),
                ('purpose', models.CharField(max_length=200, verbose_name='purpose')),
                ('company_name', models.CharField(blank=True, max_length=200, verbose_name='company')),
                ('contact_phone', models.CharField(blank=True, max_length=20, verbose_name='contact phone')),
                ('booked_through', models.DateField(verbose_name='dates tried up to')),
                ('skipped', models.JSONField(blank=True, default=list, verbose_name='dates not booked')),
                ('stopped_at', models.DateTimeField(blank=True, null=True, verbose_name='stopped from')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                ('booked_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='booking_series', to=settings.AUTH_USER_MODEL, verbose_name='booked by')),
                ('room', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='series', to='rooms.room', verbose_name='room')),
            ],
            options={
                'verbose_name': 'recurring booking',
                'verbose_name_plural': 'recurring bookings',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='reservation',
            name='series',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='occurrences', to='reservations.series', verbose_name='series'),
        ),
        migrations.AddConstraint(
            model_name='series',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('count__gte', 2), ('until__isnull', True)), models.Q(('count__isnull', True), ('until__isnull', False)), _connector='OR'), name='series_until_or_count'),
        ),
        migrations.AddConstraint(
            model_name='series',
            constraint=models.CheckConstraint(condition=models.Q(('first_end__gt', models.F('first_start'))), name='series_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='series',
            constraint=models.CheckConstraint(condition=models.Q(('frequency__in', ['weekly', 'fortnightly', 'monthly'])), name='series_frequency_valid'),
        ),
        migrations.AddConstraint(
            model_name='series',
            constraint=models.CheckConstraint(condition=models.Q(('attendees__gte', 1)), name='series_attendees_positive'),
        ),
        migrations.RunPython(grant, revoke),
    ]
