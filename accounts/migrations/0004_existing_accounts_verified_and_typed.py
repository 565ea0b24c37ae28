"""Accounts made before e-mail confirmation count as confirmed; those with a company and a
business number are business accounts, the rest (staff made in the admin) individual ones."""

from django.db import migrations
from django.db.models import Q
from django.db.models.functions import Now


def sort_existing_accounts(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=Now())
    User.objects.exclude(Q(company="") | Q(business_number="")).update(account_type="business")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_account_type_email_verification_consents"),
    ]

    operations = [migrations.RunPython(sort_existing_accounts, migrations.RunPython.noop)]
