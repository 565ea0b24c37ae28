"""Refuses, with the site's 400 page, requests that no view should read; keeps personal
responses out of shared caches."""

import codecs
from importlib import import_module
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control

from web.validators import CONTROL_CHARACTERS, CONTROL_CHARACTERS_BUT_TAB_AND_LINE_BREAKS
from web.views import bad_request

# What undecodable bytes of a multipart field become in Django's parser (it decodes with
# errors="replace"); urlencoded bodies and query strings are decoded strictly instead.
REPLACEMENT_CHARACTER = "\ufffd"


class Refused(Exception):
    """Why a request is refused: logged in its request line as `refused`; `field`, the
    parameter that carried it where one did (kept as `request.refused_field`)."""

    def __init__(self, reason, field=None):
        super().__init__(reason)
        self.field = field


class RequestHygieneMiddleware:
    """Answers 400 before any view, form or query sees a request that carries

    - a control character (NUL, the rest of C0, DEL, C1) in the path, the session cookie, or
      the name or value of any query parameter or form field — except tab, line feed and
      carriage return in form values, which text areas send;
    - a query string or form body that is not UTF-8, or a request declared in another
      charset (Django would raise on such a form inside the CSRF check, and again inside the
      error handler that the CSRF check wraps, so gunicorn answered its own raw 500);
    - a form body over Django's size or field-count limits (refused here in one log line
      rather than Django's security error with a traceback).

    Its place in MIDDLEWARE is after CsrfViewMiddleware and CSPMiddleware: its checks still
    run before every process_view (where the CSRF check reads request.POST) and every view,
    and its answer passes back through the middleware that add the security headers, the CSP,
    the CSRF cookie and the language. The page is the project's 400.html; the request log line
    carries the reason (`request.refused`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self.check(request)
        except Refused as refusal:
            request.refused = str(refusal)
            request.refused_field = refusal.field
            return bad_request(request)
        return self.get_response(request)

    def check(self, request):
        self.check_path(request)
        self.check_session_cookie(request)
        self.check_charset(request)
        query = self.decode(get_bytes_from_wsgi(request.META, "QUERY_STRING", ""), "query string")
        self.check_fields(query, "query string", CONTROL_CHARACTERS)
        if request.method == "POST":
            self.check_form(request)

    def check_path(self, request):
        if CONTROL_CHARACTERS.search(request.path_info):
            raise Refused("control character in the path")

    def check_session_cookie(self, request):
        if CONTROL_CHARACTERS.search(request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")):
            # The session cannot be looked up by such a key (PostgreSQL refuses NUL): the
            # refusal page shows no one signed in, and the response drops the cookie.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
            raise Refused("control character in the session cookie")

    def check_charset(self, request):
        charset = request.content_params.get("charset")
        if charset is None:
            return
        try:
            is_utf8 = codecs.lookup(charset).name == "utf-8"
        except LookupError:
            is_utf8 = False
        if not is_utf8:
            raise Refused("charset other than UTF-8")
        # Django reads a form only under the exact name "utf-8", and raises on "UTF8".
        request.encoding = "utf-8"

    def check_form(self, request):
        try:
            if request.content_type == "application/x-www-form-urlencoded":
                fields = self.decode(request.body, "form")
            elif request.content_type == "multipart/form-data":
                fields = [
                    (name, value) for name, values in request.POST.lists() for value in values
                ]
                fields += [
                    (name, upload.name)
                    for name, uploads in request.FILES.lists()
                    for upload in uploads
                ]
                if any(REPLACEMENT_CHARACTER in name + value for name, value in fields):
                    raise Refused("form is not UTF-8")
            else:
                return
        except (SuspiciousOperation, MultiPartParserError) as error:
            # Over DATA_UPLOAD_MAX_MEMORY_SIZE or _NUMBER_FIELDS, or a malformed multipart body.
            raise Refused(f"form refused by Django: {type(error).__name__}") from None
        except UnreadablePostError:
            raise Refused("form body could not be read") from None
        self.check_fields(fields, "form", CONTROL_CHARACTERS_BUT_TAB_AND_LINE_BREAKS)

    @staticmethod
    def decode(raw, where):
        """The (name, value) pairs of a query string or urlencoded body, decoded strictly."""
        try:
            return parse_qsl(
                raw.decode(),
                keep_blank_values=True,
                errors="strict",
                max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            )
        except UnicodeDecodeError:
            raise Refused(f"{where} is not UTF-8") from None
        except ValueError:
            raise Refused(f"too many fields in the {where}") from None

    @staticmethod
    def check_fields(fields, where, value_rule):
        for name, value in fields:
            if CONTROL_CHARACTERS.search(name):
                raise Refused(f"control character in the {where}")
            if value_rule.search(value):
                raise Refused(f"control character in the {where}", field=name[:100])


class PrivateResponsesMiddleware:
    """Keeps out of every shared cache a response that depends on who is signed in.

    A response whose request read the session (the signed-in user, their bookings, their
    profile, an export) gets `Cache-Control: private, no-store` unless its view said otherwise:
    a proxy, or the browser of a shared PC in a meeting room, keeps no copy of it. Views that
    answer by a key in the address rather than a session (the calendar feed) say so themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
