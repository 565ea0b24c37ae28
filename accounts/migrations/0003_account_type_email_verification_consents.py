"""Account types, e-mail confirmation and the record of consents (schema)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_roles'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='Consent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item', models.CharField(choices=[('terms', 'Terms of use'), ('privacy', 'Collection and use of required personal information'), ('age_14', 'Age 14 or over'), ('news', 'News and survey e-mails')], max_length=20, verbose_name='item')),
                ('version', models.CharField(max_length=20, verbose_name='version')),
                ('given_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='given at')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
            ],
            options={
                'verbose_name': 'consent',
                'verbose_name_plural': 'consents',
                'ordering': ['user', 'item', '-given_at'],
            },
        ),
        migrations.AddField(
            model_name='user',
            name='account_type',
            field=models.CharField(choices=[('business', 'Business'), ('individual', 'Individual')], default='individual', max_length=10, verbose_name='account type'),
        ),
        migrations.AddField(
            model_name='user',
            name='email_verified_at',
            field=models.DateTimeField(blank=True, help_text='When the owner opened the confirmation link; empty until then.', null=True, verbose_name='e-mail address confirmed'),
        ),
        migrations.AddField(
            model_name='consent',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.UniqueConstraint(condition=models.Q(('withdrawn_at__isnull', True)), fields=('user', 'item'), name='one_consent_in_force_per_item'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.CheckConstraint(condition=models.Q(('withdrawn_at__isnull', True), ('withdrawn_at__gte', models.F('given_at')), _connector='OR'), name='consent_withdrawn_after_given'),
        ),
    ]
