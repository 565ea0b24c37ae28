"""Accounts made before e-mail confirmation and account types keep working after the update."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_account_type_email_verification_consents")]
AFTER = [("accounts", "0005_account_type_constraints")]


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_become_confirmed_and_typed_by_their_company_details():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    User = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    rows = {
        "sme@example.com": ("주식회사 예시", "1208147521"),
        "staff@example.com": ("", ""),
        "half@example.com": ("", "1208147521"),
    }
    for n, (email, (company, number)) in enumerate(rows.items()):
        User.objects.create(
            email=email, name=email, company=company, business_number=number,
            calendar_token=f"token-{n}", account_type="individual",
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    User = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
    types = dict(User.objects.values_list("email", "account_type"))
    assert types == {
        "sme@example.com": "business",
        "staff@example.com": "individual",
        "half@example.com": "individual",
    }
    assert not User.objects.filter(email_verified_at__isnull=True).exists()


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations(django_db_blocker):
    """Later tests share this database: leave it migrated to the latest state again."""
    yield
    with django_db_blocker.unblock():
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
