"""Business accounts have their company and business number: checked once 0004 sorted
the existing accounts into business and individual ones."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_existing_accounts_verified_and_typed"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('account_type', 'business'), _negated=True), models.Q(models.Q(('company', ''), _negated=True), models.Q(('business_number', ''), _negated=True)), _connector='OR'), name='business_account_has_company_and_number', violation_error_message='A business account needs the company and its business registration number.'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('account_type__in', ['business', 'individual'])), name='account_type_is_known'),
        ),
    ]
