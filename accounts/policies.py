"""The terms of use, the privacy notice and the consents asked for at sign-up, as data.

A new version of a document is a new date here and a new text in its templates; consents
given to an older version stay recorded with that version.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TERMS_VERSION = "2026-12-01"
PRIVACY_VERSION = "2026-12-01"


class ConsentItem(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Collection and use of required personal information")
    AGE = "age_14", _("Age 14 or over")
    NEWS = "news", _("News and survey e-mails")


@dataclass(frozen=True)
class Consent:
    """What the person agrees to, and what the law (PIPA art. 15(2), 22) says they must be told:
    the purpose, the items collected, how long they are kept and what refusing means."""

    item: ConsentItem
    required: bool
    version: str
    label: Promise
    document: str = ""  # URL name of the page with the full text
    purpose: Promise | None = None
    collected: Promise | None = None
    kept: Promise | None = None
    refusal: Promise | None = None


CONSENTS = (
    Consent(
        ConsentItem.TERMS,
        required=True,
        version=TERMS_VERSION,
        label=_("I agree to the terms of use."),
        document="accounts:terms",
    ),
    Consent(
        ConsentItem.PRIVACY,
        required=True,
        version=PRIVACY_VERSION,
        label=_("I agree to the collection and use of my required personal information."),
        document="accounts:privacy",
        purpose=_(
            "Identifying you when you sign in, taking and managing your bookings, telling the "
            "site and you about them, and statistics for the Ministry of SMEs and Startups."
        ),
        collected=_(
            "E-mail address, password (stored only as a one-way hash), name and phone number; "
            "for business accounts also the company name and the business registration number."
        ),
        kept=_(
            "Until you delete your account. Your bookings are then kept for statistics without "
            "your name, company or phone number."
        ),
        refusal=_(
            "You may refuse, but without these details an account cannot be created and rooms "
            "cannot be booked."
        ),
    ),
    Consent(
        ConsentItem.AGE,
        required=True,
        version=TERMS_VERSION,
        label=_("I am 14 years old or older."),
        document="accounts:terms",
    ),
    Consent(
        ConsentItem.NEWS,
        required=False,
        version=PRIVACY_VERSION,
        label=_("I would like to receive news of new rooms and service changes, and surveys."),
        document="accounts:privacy",
        purpose=_(
            "E-mailing news of new rooms and changes to the service, and satisfaction surveys."
        ),
        collected=_("E-mail address and name."),
        kept=_("Until you withdraw this consent or delete your account."),
        refusal=_(
            "You may refuse, or withdraw later in your profile; you can use every part of the "
            "service all the same."
        ),
    ),
)

CONSENT_BY_ITEM = {consent.item: consent for consent in CONSENTS}
