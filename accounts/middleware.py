"""Holds back signed-in sessions that still owe their second factor.

Staff (whoever `mfa.requires_second_factor`) reach no admin or dashboard page before it; and
a session signed in by an account that uses a second factor reaches nothing but the second
factor's own pages, sign-out and the language switch until it is given.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import mfa

GUARDED_NAMESPACES = {"admin", "backoffice", "dashboard"}
# (namespace, url name) a session owing its second factor may still reach.
OPEN_VIEWS = {
    ("admin", "login"),
    ("admin", "logout"),
    ("accounts", "logout"),
    ("accounts", "two_factor_verify"),
    ("accounts", "two_factor_setup"),
    ("accounts", "terms"),
    ("accounts", "privacy"),
    ("", "set_language"),
    ("", "healthz"),
    ("", "readyz"),
}


class SecondFactorMiddleware:
    """Must follow django_otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Open views first: the probes must answer without reading the session or the user,
        # and so must the API's operations, which take a key in a header, never a session: a
        # shared cache keeps one copy of their answers, not one a cookie (`Vary: Cookie`).
        match = request.resolver_match
        if (match.namespace, match.url_name) in OPEN_VIEWS or _api_operation(match):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        owes = mfa.is_pending(request) or (
            match.namespace in GUARDED_NAMESPACES and mfa.requires_second_factor(user)
        )
        if not owes or user.is_verified():
            return None
        target = reverse("accounts:two_factor_verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


def _api_operation(match):
    return match.namespace == "api" and match.url_name != "docs"
