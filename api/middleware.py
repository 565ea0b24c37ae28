"""What every answer under /api/ shares: CORS for any origin, the API key and the rate limit,
errors as problem details, and validators (`ETag`, `Last-Modified`) with their 304s.

It sits in MIDDLEWARE after LocaleMiddleware, so that problem titles are in the request's
language, and before RequestHygieneMiddleware, whose 400 for hostile input it turns into a
problem like every other error, whichever layer answered (the URL resolver's 404 included).
"""

import math

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date

from api import keys, problems, throttle
from reservations.models import ScheduleVersion

PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD"}
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, RateLimit-Limit, RateLimit-Remaining"
PREFLIGHT_MAX_AGE = 86400


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        response = self.answer(request)
        self.add_cors(response)
        return response

    def answer(self, request):
        if request.method == "OPTIONS":
            return self.preflight()
        if request.method not in SAFE_METHODS:
            return problems.problem_response(
                problems.METHOD, request, headers={"Allow": ALLOWED_METHODS}
            )
        raw_key = request.headers.get(keys.KEY_HEADER)
        api_key = None
        if raw_key is not None:
            api_key = keys.recognise(raw_key)
            if api_key is None:
                return problems.problem_response(problems.BAD_KEY, request)
        if api_key is not None:
            verdict = throttle.count(f"key:{api_key.pk}", api_key.rate)
        else:
            address = get_client_ip_address(request) or "unknown"
            verdict = throttle.count(f"address:{address}", settings.API_ANONYMOUS_RATE)
        if not verdict.allowed:
            response = problems.problem_response(
                problems.TOO_MANY, request, headers={"Retry-After": str(verdict.retry_after)}
            )
        else:
            head = request.method == "HEAD"
            if head:
                # The views answer GET; HEAD is the same answer without its body.
                request.method = "GET"
            response = self.as_problem(request, self.get_response(request))
            response = self.conditional(request, response)
            if head:
                request.method = "HEAD"
                response.content = b""
        response["RateLimit-Limit"] = str(verdict.limit)
        response["RateLimit-Remaining"] = str(verdict.remaining)
        return response

    @staticmethod
    def preflight():
        response = problems.HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response["Access-Control-Allow-Headers"] = (
            f"{keys.KEY_HEADER}, If-None-Match, If-Modified-Since, Accept-Language"
        )
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return response

    @staticmethod
    def add_cors(response):
        # Public, read-only, never with cookies: any origin may read it.
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS

    @staticmethod
    def as_problem(request, response):
        """Any error answered by a layer that does not speak problem details (the resolver's
        404, the hygiene middleware's 400, a 500) becomes one."""
        if response.status_code < 400 or getattr(response, "problem", None) is not None:
            return response
        problem = problems.BY_STATUS.get(response.status_code)
        if problem is None:
            problem = problems.Problem("error", response.status_code, problems.SERVER.title)
            if response.status_code < 500:
                problem = problems.Problem("error", response.status_code, problems.INVALID.title)
        field = getattr(request, "refused_field", None)
        errors = [problems.field_error(field, field, problems.CONTROL_CHARACTER)] if field else None
        converted = problems.problem_response(problem, request, errors=errors)
        for header in ("Allow", "Retry-After"):
            if response.has_header(header):
                converted[header] = response[header]
        return converted

    @staticmethod
    def conditional(request, response):
        """ETag on every successful answer, Last-Modified on the registry's; 304 when the
        client's copy is current."""
        if response.status_code != 200 or response.streaming:
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = None
        if getattr(response, "registry", False):
            last_modified = _registry_changed()
            response["Last-Modified"] = http_date(last_modified)
        patch_vary_headers(response, ["Accept-Language"])
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )


def _registry_changed():
    """When the registry last changed, in whole seconds rounded up: the later of its stamps (a
    room, a site, a district or a region; a site's opening hours), which triggers set from the
    clock in the changing transaction (reservations 0008, 0011). Every registry resource gives
    the same date, and never one before the change it shows."""
    stamps = ScheduleVersion.objects.stamps([ScheduleVersion.REGISTRY, ScheduleVersion.SITES])
    return math.ceil(max(stamps.values()) / 1_000_000)
