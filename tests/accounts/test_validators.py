import pytest
from django.core.exceptions import ValidationError

from accounts.validators import business_number_is_valid, validate_business_number, validate_phone


@pytest.mark.parametrize("number", ["1208147521", "2208162517", "1248100998", "120-81-47521"])
def test_business_number_with_matching_check_digit_is_accepted(number):
    validate_business_number(number)


@pytest.mark.parametrize("number", ["1208147522", "2208162510", "1234567890"])
def test_business_number_with_wrong_check_digit_is_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_business_number(number)
    assert error.value.code == "business_number_check_digit"


@pytest.mark.parametrize("number", ["", "12345", "12081475210", "120814752a"])
def test_business_number_not_ten_digits_is_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_business_number(number)
    assert error.value.code == "business_number_format"


def test_check_digit_counts_the_tens_of_the_ninth_digit_times_five():
    # 9th digit 7: 7 × 5 = 35 adds 3 more; only the right check digit passes.
    valid = [n for n in (f"123456787{d}" for d in range(10)) if business_number_is_valid(n)]
    assert len(valid) == 1


@pytest.mark.parametrize(
    "phone",
    ["010-1234-5678", "01012345678", "02-123-4567", "031-123-4567", "070-1234-5678", "1588-1234"],
)
def test_korean_phone_numbers_are_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "+1 555 123 4567", "010-12-345", "phone"])
def test_other_phone_numbers_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_the_business_number_inputs_leave_room_for_hyphens():
    from accounts.forms import ProfileForm, SignUpForm

    for form in (SignUpForm(), ProfileForm()):
        assert 'maxlength="12"' in str(form["business_number"])
