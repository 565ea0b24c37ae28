"""Portal users: SME staff, facility managers and ministry officials. E-mail is the login."""

import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .policies import ConsentItem


def new_calendar_token():
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class AccountType(models.TextChoices):
    """A business account books for its company; an individual (a citizen, a freelancer,
    someone about to found a company) books for themselves and has no business number."""

    BUSINESS = "business", _("Business")
    INDIVIDUAL = "individual", _("Individual")


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    email_verified_at = models.DateTimeField(
        _("e-mail address confirmed"),
        null=True,
        blank=True,
        help_text=_("When the owner opened the confirmation link; empty until then."),
    )
    name = models.CharField(_("name"), max_length=100)
    # Accounts made outside the sign-up form (the admin, createsuperuser) have no company.
    account_type = models.CharField(
        _("account type"),
        max_length=10,
        choices=AccountType.choices,
        default=AccountType.INDIVIDUAL,
    )
    company = models.CharField(_("company"), max_length=200, blank=True)
    business_number = models.CharField(
        _("business registration number"),
        max_length=10,
        blank=True,
        help_text=_("10 digits, without hyphens."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    calendar_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_calendar_token
    )
    booking_reminders = models.BooleanField(
        _("reminders before my bookings"),
        default=True,
        help_text=_("E-mail me a reminder before each of my bookings."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        # The booking rules count a company's bookings across its accounts.
        indexes = [models.Index(fields=["business_number"], name="user_business_number")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(account_type=AccountType.BUSINESS)
                | (~Q(company="") & ~Q(business_number="")),
                name="business_account_has_company_and_number",
                violation_error_message=_(
                    "A business account needs the company and its business registration number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(account_type__in=AccountType.values),
                name="account_type_is_known",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email

    def clean(self):
        super().clean()
        if self.account_type == AccountType.BUSINESS:
            missing = {
                field: ValidationError(
                    _("A business account needs this."), code="required_for_business"
                )
                for field in ("company", "business_number")
                if not getattr(self, field)
            }
            if missing:
                raise ValidationError(missing)

    @property
    def is_business(self):
        return self.account_type == AccountType.BUSINESS

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    @property
    def can_book(self):
        """Whether this account may make bookings at all: active, with a confirmed address.

        Which rooms it may book follows from `account_type` in the booking rules.
        """
        return self.is_active and self.email_verified

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name


class ConsentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """One consent a user gave at sign-up or later: which item, to which version, when.

    Withdrawing an optional consent stamps `withdrawn_at`; the row stays as the record.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="consents", verbose_name=_("user")
    )
    item = models.CharField(_("item"), max_length=20, choices=ConsentItem.choices)
    version = models.CharField(_("version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["user", "item", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_consent_in_force_per_item",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.item} {self.version}"
