"""The site's pages for refused requests: a malformed request (400), a failed CSRF check (403)."""

from django.shortcuts import render

from web.http import RefusedInput


def bad_request(request, exception=None):
    """handler400, and the answer of `web.middleware.RequestHygieneMiddleware`.

    Unlike Django's default, it is not wrapped in the CSRF check, which reads request.POST
    and would raise again on the very body that made the request bad. A RefusedInput's text
    is shown; other errors' texts are not meant for users.
    """
    reason = str(exception) if isinstance(exception, RefusedInput) else ""
    return render(request, "400.html", {"reason": reason}, status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own page is English only and unstyled."""
    return render(request, "403_csrf.html", status=403)
