"""One JSON line per log record on stdout, with the request's id, user id and timing.

Keys in URL paths (calendar feeds, password-reset links) are hidden by the handler's filter
from web.redaction (settings.LOGGING) before a record reaches the formatter.
"""

import contextlib
import json
import logging
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.utils.functional import LazyObject

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
logger = logging.getLogger("boms.request")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    EXTRA_FIELDS = (
        "request_id",
        "user_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "queries",
        "refused",
    )

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _clean_request_id(value):
    value = (value or "").strip()
    if value and len(value) <= 64 and value.replace("-", "").isalnum():
        return value
    return uuid.uuid4().hex


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _user_id(request):
    """The id of the signed-in user, if the request has already looked the user up.

    Read after the response, so never a query: the database may be why the request failed.
    AuthenticationMiddleware keeps a user it looked up in request._cached_user; login() and
    logout() put the user itself in request.user.
    """
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject):  # tells the wrapper from a user without looking one up
        user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    """Tags each request with an id (kept from X-Request-ID when sane) and logs its outcome.

    Only the path is logged, never the query string, which may carry personal data; the
    user only if the request looked them up; `refused` when web.middleware refused it.
    With QUERY_COUNT_HEADER on (benchmarks), the number of queries is sent as X-DB-Queries.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _clean_request_id(request.META.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        queries = QueryCounter()
        try:
            # Every database's statements count: the primary's and, with a replica, its own.
            with contextlib.ExitStack() as wrappers:
                for database in connections.all():
                    wrappers.enter_context(database.execute_wrapper(queries))
                response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.QUERY_COUNT_HEADER:
                response["X-DB-Queries"] = str(queries.count)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "user_id": _user_id(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "queries": queries.count,
                    "refused": getattr(request, "refused", None),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
