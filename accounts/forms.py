"""Sign-up, sign-in, profile, consent, second-factor and account deletion forms."""

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import mfa
from .models import AccountType, User
from .policies import CONSENTS, ConsentItem
from .validators import (
    normalize_business_number,
    normalize_phone,
    validate_business_number,
    validate_phone,
)

BUSINESS_NUMBER_HELP = _("Business accounts only: 10 digits, hyphens are fine (123-45-67891).")
COMPANY_HELP = _("Business accounts only.")


class AccountDetailsMixin:
    """Account type, company, business number and phone, as sign-up and the profile ask them.

    Both company fields are always shown (no script needed); a business account must fill
    them in (the model's clean() says so), an individual account's are emptied.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["account_type"].widget = forms.RadioSelect(choices=AccountType.choices)
        self.fields["account_type"].help_text = _(
            "Individual: a citizen, a freelancer or someone about to found a company, "
            "booking for themselves without a business registration number."
        )
        self.fields["company"].help_text = COMPANY_HELP
        number = self.fields["business_number"]
        number.help_text = BUSINESS_NUMBER_HELP
        number.max_length = None
        number.validators = []
        # Room for the hyphens of "123-45-67891"; the model field stores 10 digits.
        number.widget.attrs.update({"maxlength": 12, "inputmode": "numeric"})

    def clean_business_number(self):
        value = self.cleaned_data.get("business_number", "")
        if not value:
            return ""
        validate_business_number(value)
        return normalize_business_number(value)

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        validate_phone(value)
        return normalize_phone(value)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account_type") == AccountType.INDIVIDUAL:
            cleaned["company"] = ""
            cleaned["business_number"] = ""
            for name in ("company", "business_number"):
                self._errors.pop(name, None)
        return cleaned


USER_WIDGETS = {
    "email": forms.EmailInput(attrs={"autocomplete": "email"}),
    "name": forms.TextInput(attrs={"autocomplete": "name"}),
    "company": forms.TextInput(attrs={"autocomplete": "organization"}),
    "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
}


class SignUpForm(AccountDetailsMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["account_type", "email", "name", "company", "business_number", "phone"]
        widgets = USER_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_type"].initial = AccountType.BUSINESS
        for consent in CONSENTS:
            self.fields[self.consent_field(consent.item)] = forms.BooleanField(
                label=consent.label,
                required=consent.required,
                error_messages={"required": _("Please agree to this to create an account.")},
            )

    @staticmethod
    def consent_field(item):
        return f"consent_{item}"

    def consent_fields(self):
        """(bound field, consent) for the template, required ones first as in CONSENTS."""
        return [(self[self.consent_field(c.item)], c) for c in CONSENTS]

    def consented_items(self):
        return [c.item for c in CONSENTS if self.cleaned_data.get(self.consent_field(c.item))]

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                forms.ValidationError(
                    _("The two passwords do not match."), code="password_mismatch"
                ),
            )
        return cleaned

    def validate_unique(self):
        """Whether the address is taken is not this form's to say (see services.sign_up)."""

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password and not self.has_error("password2"):
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with the e-mail address, whatever its case."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(AccountDetailsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "name",
            "email",
            "phone",
            "account_type",
            "company",
            "business_number",
            "booking_reminders",
        ]
        widgets = USER_WIDGETS

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists."), code="duplicate_email"
            )
        return email


class OptionalConsentsForm(forms.Form):
    """The optional consents, each a checkbox that gives or withdraws it."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_force = set(user.consents.in_force().values_list("item", flat=True))
        for consent in CONSENTS:
            if not consent.required:
                self.fields[consent.item] = forms.BooleanField(
                    label=consent.label, required=False, initial=consent.item in in_force
                )

    def choices(self):
        return {ConsentItem(item): given for item, given in self.cleaned_data.items()}


class PasswordCheckForm(forms.Form):
    """Asks for the signed-in user's password again, throttled as sign-in is.

    Passing the request lets the sign-in throttle count a wrong guess here as a failed
    sign-in, and refuse once the account or the address is locked.
    """

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.request.user.email, password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(
                _("The password is not correct."), code="password_incorrect"
            )
        return password


class DeleteAccountForm(PasswordCheckForm):
    pass


class DisableTwoFactorForm(PasswordCheckForm):
    pass


class OneTimeCodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
    )

    def __init__(self, user, *args, devices=None, **kwargs):
        self.user = user
        self.devices = devices
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        try:
            self.device = mfa.verify(self.user, code, devices=self.devices)
        except mfa.TooManyAttempts as error:
            raise forms.ValidationError(
                _("Too many wrong codes. Try again in %(seconds)s seconds."),
                code="throttled",
                params={"seconds": error.seconds},
            ) from error
        if self.device is None:
            raise forms.ValidationError(
                _("This code is not correct, or it has already been used."), code="invalid_code"
            )
        return code
