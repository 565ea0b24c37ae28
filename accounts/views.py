"""Sign-up and e-mail confirmation, sign-in with a second factor, password reset and change,
profile and consents, the terms and the privacy notice, and account deletion."""

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import mfa, roles, services
from .forms import (
    DeleteAccountForm,
    DisableTwoFactorForm,
    EmailAuthenticationForm,
    OneTimeCodeForm,
    OptionalConsentsForm,
    ProfileForm,
    SignUpForm,
)
from .policies import CONSENT_BY_ITEM, PRIVACY_VERSION, TERMS_VERSION
from .signals import profile_shown

SIGNUP_EMAIL_SESSION_KEY = "accounts_signup_email"
NEW_CODES_SESSION_KEY = "accounts_new_recovery_codes"


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _landing(user):
    """Where signing in ends without a `next`: a facility manager's (or a superuser's) day
    starts on the admin's board of their rooms, an official's on the dashboard, everyone
    else's on the search."""
    if user.is_staff and (user.is_superuser or roles.is_facility_manager(user)):
        return "admin:index"
    if roles.is_ministry_official(user):
        return "dashboard:nation"
    return "home"


def _with_next(url_name, next_url):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.sign_up(form, next_url=_safe_next(request))
        request.session[SIGNUP_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)})


@require_safe
def signup_sent(request):
    """The same page whether the address was new or already had an account."""
    return render(
        request,
        "accounts/signup_sent.html",
        {"email": request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")},
    )


@require_safe
def verify_email(request):
    # The token travels in the query string, which the request log leaves out.
    user = services.confirm_email(request.GET.get("token", ""))
    if user is None:
        return render(request, "accounts/verify_email_invalid.html", status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can book rooms now."))
    next_url = _safe_next(request)
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(next_url or "home")
    return redirect(_with_next("accounts:login", next_url))


@login_required
@require_POST
def resend_confirmation(request):
    user = request.user
    if user.email_verified:
        messages.info(request, _("Your e-mail address is already confirmed."))
    elif services.resend_confirmation(user):
        messages.success(
            request,
            _("We sent a new link to %(email)s. It is valid for three days.")
            % {"email": user.email},
        )
    else:
        messages.info(request, _("A link was sent less than a minute ago; please check your mail."))
    return redirect(_safe_next(request) or "accounts:profile")


@require_safe
def terms(request):
    return _legal_page(request, "terms", TERMS_VERSION)


@require_safe
def privacy(request):
    return _legal_page(request, "privacy", PRIVACY_VERSION)


def _legal_page(request, document, version):
    # A legal text is written and reviewed whole in each language; the Korean one is binding.
    language = "en" if get_language() == "en" else "ko"
    return render(
        request,
        f"accounts/legal/{document}_{language}.html",
        {"version": version, "document": document},
    )


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        # Staff made in the admin never got a link; they book rarely and see it in the profile.
        if not user.email_verified and not mfa.requires_second_factor(user):
            messages.warning(
                self.request,
                _(
                    "Please confirm your e-mail address with the link we sent to %(email)s "
                    "before booking. Your profile can send the link again."
                )
                % {"email": user.email},
            )
        if mfa.is_pending(self.request):
            return redirect(_with_next("accounts:two_factor_verify", self.get_redirect_url()))
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
    next_page = "home"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_email.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # A new password is the way back from a sign-in lockout.
        axes_reset(username=form.user.email)
        # The link came to the address, so its owner opened it (an invited manager, too).
        if form.user.email_verified_at is None:
            form.user.email_verified_at = timezone.now()
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        email_changed = "email" in form.changed_data
        services.update_profile(form)
        messages.success(request, _("Your profile has been saved."))
        if email_changed:
            messages.warning(
                request,
                _("Please confirm your new address with the link we sent to it."),
            )
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, form))


def _profile_context(request, form, consents_form=None):
    user = request.user
    return {
        "form": form,
        "consents": [
            (consent, CONSENT_BY_ITEM[consent.item])
            for consent in user.consents.order_by("item", "-given_at")
        ],
        "consents_form": consents_form or OptionalConsentsForm(user),
        "authenticator": mfa.authenticator_of(user),
        "second_factor_required": mfa.requires_second_factor(user),
        "sections": [
            section
            for _receiver, section in profile_shown.send(
                sender=type(user), user=user, request=request
            )
            if section
        ],
    }


@login_required
@require_POST
def update_consents(request):
    form = OptionalConsentsForm(request.user, request.POST)
    if form.is_valid():
        changed = [
            services.set_optional_consent(request.user, item, given)
            for item, given in form.choices().items()
        ]
        if any(changed):
            messages.success(request, _("Your choices have been saved."))
    return redirect(reverse("accounts:profile") + "#consents")


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    next_url = _safe_next(request)
    user = request.user
    if user.is_verified():
        return redirect(next_url or _landing(user))
    if mfa.authenticator_of(user) is None:
        if mfa.requires_second_factor(user):
            return redirect(_with_next("accounts:two_factor_setup", next_url))
        request.session.pop(mfa.PENDING_SESSION_KEY, None)
        return redirect(next_url or "home")
    form = OneTimeCodeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mfa.login(request, form.device)
        if mfa.recovery_codes_left(user) <= 2:
            messages.warning(
                request,
                _("You have %(count)s recovery codes left. Make new ones in your profile.")
                % {"count": mfa.recovery_codes_left(user)},
            )
        return redirect(next_url or _landing(user))
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Adding the authenticator app: scan the code (or type the key), then prove it works."""
    next_url = _safe_next(request)
    user = request.user
    if mfa.authenticator_of(user) is not None:
        return redirect(_with_next("accounts:two_factor_verify", next_url))
    device = mfa.start_enrolment(user)
    form = OneTimeCodeForm(user, request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        request.session[NEW_CODES_SESSION_KEY] = mfa.confirm_enrolment(request, device)
        messages.success(request, _("Two-step sign-in is on."))
        return redirect(_with_next("accounts:recovery_codes", next_url))
    form.fields["code"].label = _("Code from the app")
    form.fields["code"].help_text = _("The six digits the app shows for BOMS.")
    return render(
        request,
        "accounts/two_factor/setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": mfa.qr_svg(device, title=_("QR code to scan with the authenticator app")),
            "secret": mfa.secret_of(device),
            "required": mfa.requires_second_factor(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New recovery codes, shown once; a POST replaces the old ones."""
    if mfa.authenticator_of(request.user) is None:
        return redirect("accounts:profile")
    if not request.user.is_verified():
        return redirect(_with_next("accounts:two_factor_verify", request.get_full_path()))
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = mfa.new_recovery_codes(request.user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {
            "codes": codes,
            "left": mfa.recovery_codes_left(request.user),
            "next": _safe_next(request) or reverse(_landing(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request):
    """SME users who turned two-step sign-in on may turn it off; staff may not."""
    if mfa.requires_second_factor(request.user) or mfa.authenticator_of(request.user) is None:
        return redirect("accounts:profile")
    if not request.user.is_verified():
        return redirect(_with_next("accounts:two_factor_verify", request.get_full_path()))
    form = DisableTwoFactorForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mfa.reset(request.user)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("accounts:profile")
    return render(request, "accounts/two_factor/disable.html", {"form": form})
