"""Account types: the database refuses a business account without its company details, and
the model's clean() says so first, field by field."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AccountType, Consent, User
from accounts.policies import ConsentItem
from accounts.services import set_optional_consent
from tests.factories import IndividualUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("missing", ["company", "business_number"])
def test_the_database_refuses_a_business_account_without_company_details(missing):
    user = UserFactory()
    setattr(user, missing, "")

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


@pytest.mark.parametrize("missing", ["company", "business_number"])
def test_clean_names_the_missing_company_field_of_a_business_account(missing):
    user = UserFactory.build(**{missing: ""})

    with pytest.raises(ValidationError) as error:
        user.clean()

    assert set(error.value.message_dict) == {missing}


def test_the_database_refuses_an_unknown_account_type():
    user = IndividualUserFactory()
    user.account_type = "government"

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_an_individual_account_needs_no_company_details():
    user = IndividualUserFactory()

    user.full_clean()
    assert user.account_type == AccountType.INDIVIDUAL and not user.is_business


def test_accounts_made_outside_sign_up_are_individual_and_unconfirmed():
    user = User.objects.create_user("staff@example.com", "long-enough-password", name="직원")

    assert user.account_type == AccountType.INDIVIDUAL
    assert not user.email_verified


def test_an_optional_consent_is_withdrawn_and_given_again_with_the_record_kept():
    user = UserFactory()

    assert set_optional_consent(user, ConsentItem.NEWS, True)
    assert not set_optional_consent(user, ConsentItem.NEWS, True)
    assert set_optional_consent(user, ConsentItem.NEWS, False)
    assert set_optional_consent(user, ConsentItem.NEWS, True)

    records = Consent.objects.filter(user=user, item=ConsentItem.NEWS)
    assert records.count() == 2
    assert records.in_force().count() == 1


def test_a_required_consent_cannot_be_withdrawn():
    with pytest.raises(ValueError):
        set_optional_consent(UserFactory(), ConsentItem.TERMS, False)


def test_the_database_keeps_one_consent_in_force_per_item():
    user = UserFactory()
    Consent.objects.create(user=user, item=ConsentItem.NEWS, version="2026-12-01")

    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(user=user, item=ConsentItem.NEWS, version="2026-12-01")
