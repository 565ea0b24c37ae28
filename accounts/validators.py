"""Checks for Korean business registration numbers (사업자등록번호) and phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BUSINESS_NUMBER_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)

# Mobile (010, 011, 016–019), Seoul (02), area codes (031–064), 070 and nationwide 15xx–19xx.
PHONE_PATTERN = re.compile(
    r"^(?:01[016789]-?\d{3,4}-?\d{4}"
    r"|02-?\d{3,4}-?\d{4}"
    r"|0[3-6][1-5]-?\d{3,4}-?\d{4}"
    r"|070-?\d{4}-?\d{4}"
    r"|1[5-9]\d{2}-?\d{4})$"
)


def normalize_business_number(value):
    """The ten digits of a business number written with or without hyphens or spaces."""
    return re.sub(r"[\s-]", "", value or "")


def business_number_is_valid(digits):
    if not re.fullmatch(r"\d{10}", digits):
        return False
    numbers = [int(d) for d in digits]
    total = sum(n * w for n, w in zip(numbers, BUSINESS_NUMBER_WEIGHTS, strict=False))
    # The ninth digit times five contributes its tens digit as well.
    total += numbers[8] * 5 // 10
    return (10 - total % 10) % 10 == numbers[9]


def validate_business_number(value):
    digits = normalize_business_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(
            _("Enter the 10-digit business registration number, e.g. 123-45-67891."),
            code="business_number_format",
        )
    if not business_number_is_valid(digits):
        raise ValidationError(
            _("This business registration number is not valid (the check digit does not match)."),
            code="business_number_check_digit",
        )


def normalize_phone(value):
    return re.sub(r"[\s.()]", "", value or "")


def validate_phone(value):
    if not PHONE_PATTERN.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a Korean phone number, e.g. 010-1234-5678 or 02-123-4567."),
            code="phone_format",
        )
