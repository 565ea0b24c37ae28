"""Check-in, no-shows and suspensions: a booking's short code, when it was checked in and when
its time was released, the no_show status, audit actions, reminders sent, and suspensions.

Bookings made before check-in existed get a code but are not asked to check in, so none of
them can become a no-show.
"""

import secrets

import django.db.models.deletion
import reservations.models
from django.conf import settings
from django.db import migrations, models

# As reservations.models had them when this migration was written.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7
BATCH = 2000


def give_codes(apps, schema_editor):
    """A distinct random code for every existing booking, walking up the primary key."""
    Reservation = apps.get_model("reservations", "Reservation")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Reservation._meta.db_table)
    used, last = set(), 0
    while batch := list(
        Reservation.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
    ):
        rows = []
        for pk in batch:
            code = _new_code()
            while code in used:
                code = _new_code()
            used.add(code)
            rows.append((code, pk))
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET code = %s WHERE id = %s", rows)
        last = batch[-1]


def _new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Migration(migrations.Migration):

    dependencies = [
        ('reservations', '0003_decided_start_index'),
        ('rooms', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Suspension',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField(verbose_name='from')),
                ('ends_at', models.DateTimeField(verbose_name='until')),
                ('no_shows', models.PositiveSmallIntegerField(help_text='No-shows in the counting period that led to it.', verbose_name='no-shows')),
                ('lifted_at', models.DateTimeField(blank=True, null=True, verbose_name='lifted at')),
                ('lift_reason', models.TextField(blank=True, verbose_name='reason for lifting')),
            ],
            options={
                'verbose_name': 'suspension',
                'verbose_name_plural': 'suspensions',
                'ordering': ['-starts_at', '-pk'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='reservation',
            name='reservation_status_valid',
        ),
        migrations.AddField(
            model_name='reservation',
            name='check_in_required',
            field=models.BooleanField(default=False, verbose_name='check-in required'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='check_in_required',
            field=models.BooleanField(default=True, verbose_name='check-in required'),
        ),
        migrations.AddField(
            model_name='reservation',
            name='checked_in_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='checked in at'),
        ),
        migrations.AddField(
            model_name='reservation',
            name='code',
            field=models.CharField(null=True, editable=False, max_length=7, verbose_name='booking code'),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='reservation',
            name='code',
            field=models.CharField(default=reservations.models.new_code, editable=False, help_text="Short reference in e-mails, used to check in at the room's door.", max_length=7, verbose_name='booking code'),
        ),
        migrations.AddField(
            model_name='reservation',
            name='released_at',
            field=models.DateTimeField(blank=True, help_text='When the rest of the booked time was freed: ended early, or a no-show.', null=True, verbose_name='time released at'),
        ),
        migrations.AddField(
            model_name='reservation',
            name='reminded_before',
            field=models.PositiveIntegerField(null=True, verbose_name='reminded before (minutes)'),
        ),
        migrations.AddField(
            model_name='reservationevent',
            name='action',
            field=models.CharField(blank=True, choices=[('check_in', 'Checked in'), ('end_early', 'Ended early')], max_length=16, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='reservation',
            name='status',
            field=models.CharField(choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled'), ('expired', 'Expired (not decided in time)'), ('no_show', 'No-show (not checked in)')], default='pending', max_length=16, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='reservationevent',
            name='from_status',
            field=models.CharField(blank=True, choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled'), ('expired', 'Expired (not decided in time)'), ('no_show', 'No-show (not checked in)')], max_length=16, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='reservationevent',
            name='to_status',
            field=models.CharField(choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled'), ('expired', 'Expired (not decided in time)'), ('no_show', 'No-show (not checked in)')], max_length=16, verbose_name='to'),
        ),
        migrations.AddIndex(
            model_name='reservation',
            index=models.Index(condition=models.Q(('check_in_required', True), ('checked_in_at__isnull', True), ('status', 'approved')), fields=['start'], name='reservation_awaiting_check_in'),
        ),
        migrations.AddConstraint(
            model_name='reservation',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'rejected', 'cancelled', 'expired', 'no_show'])), name='reservation_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='reservation',
            constraint=models.CheckConstraint(condition=models.Q(('released_at__isnull', True), models.Q(('released_at__gte', models.F('start')), ('released_at__lte', models.F('end'))), _connector='OR'), name='reservation_released_within_booking'),
        ),
        migrations.AddConstraint(
            model_name='reservation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'no_show'), _negated=True), ('checked_in_at__isnull', True), _connector='OR'), name='reservation_no_show_never_checked_in'),
        ),
        migrations.AddConstraint(
            model_name='reservation',
            constraint=models.UniqueConstraint(fields=('code',), name='reservation_code_unique'),
        ),
        migrations.AddField(
            model_name='suspension',
            name='lifted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lifted by'),
        ),
        migrations.AddField(
            model_name='suspension',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suspensions', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AddIndex(
            model_name='suspension',
            index=models.Index(fields=['user', 'ends_at'], name='suspension_user_ends'),
        ),
        migrations.AddConstraint(
            model_name='suspension',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='suspension_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='suspension',
            constraint=models.CheckConstraint(condition=models.Q(('lifted_at__isnull', True), models.Q(('lift_reason', ''), _negated=True), _connector='OR'), name='suspension_lifted_with_reason'),
        ),
    ]
