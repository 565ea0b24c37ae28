"""Reads that may be a little stale go to the PostgreSQL replica; everything else to the primary.

With REPLICA_DATABASE_URL set, settings.py adds the `replica` database alias (READ_REPLICA)
and this router sends a request's reads there only when all of these hold:

- the view is declared in settings.REPLICA_READS (a URL namespace or a URL name): the
  dashboard and the public registry's pages; the public registry's pages only for visitors who
  are not signed in, since a signed-in user's pages may show what they just did;
- the request is a GET or HEAD, and it has not written anything yet;
- the browser has not written within REPLICA_PIN_SECONDS: any request that writes (any POST,
  or a GET that saves a row the replica could serve) sets a short-lived cookie that keeps that
  browser's reads on the primary, so that nobody sees their own booking vanish while the
  replica catches up;
- the model is not one that must always be current: sessions, users, their groups and second
  factors, sign-in lockouts, the task queue, the database cache and the API's partner keys
  (PRIMARY_ONLY), so that a sign-out, a password change or a revoked key is honoured at once on
  every app server.

Every write goes to the primary. Without READ_REPLICA everything reads the primary.
"""

import contextvars
import dataclasses

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

PIN_COOKIE = "primary_reads"
SAFE_METHODS = ("GET", "HEAD")

# Who may read a declared view from the replica.
ANYONE = "anyone"
ANONYMOUS = "anonymous"

# App labels whose rows are read from the primary whatever the view.
PRIMARY_ONLY = frozenset(
    {
        "sessions",
        "accounts",
        "auth",
        "contenttypes",
        "admin",
        "otp_totp",
        "otp_static",
        "django_otp",
        "axes",
        "django_tasks_database",
        "worker",
        "django_cache",
        "api",
    }
)


@dataclasses.dataclass
class Reads:
    """What the current request may read from the replica, and whether it wrote."""

    replica: str | None = None
    wrote: bool = False


_current: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("reads", default=None)


def declared_for(view_name):
    """Who may read the view of this URL name (`namespace:name`) from the replica, or None."""
    declared = settings.REPLICA_READS
    if view_name in declared:
        return declared[view_name]
    namespaces = view_name.split(":")[:-1]
    for depth in range(len(namespaces), 0, -1):
        who = declared.get(":".join(namespaces[:depth]))
        if who is not None:
            return who
    return None


def may_read_replica(request, view_name):
    """The rule in one place: see the module's docstring."""
    if not settings.READ_REPLICA or request.method not in SAFE_METHODS or wrote_recently(request):
        return False
    who = declared_for(view_name or "")
    if who == ANYONE:
        return True
    return who == ANONYMOUS and not request.user.is_authenticated


class ReplicaRouter:
    """Routes reads per request (see the module's docstring); writes always to the primary."""

    def db_for_read(self, model, **hints):
        reads = _current.get()
        if (
            reads is not None
            and reads.replica
            and not reads.wrote
            and model._meta.app_label not in PRIMARY_ONLY
        ):
            return reads.replica
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        reads = _current.get()
        # A row that is only ever read from the primary (a session, a cache entry, a task)
        # cannot come back stale from the replica, so writing it pins nothing.
        if reads is not None and model._meta.app_label not in PRIMARY_ONLY:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects read from either relate freely.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, settings.READ_REPLICA}:
            return True
        return None


def wrote_recently(request):
    """Whether this browser wrote within REPLICA_PIN_SECONDS: it reads what it wrote, from the
    primary and not from figures cached before."""
    return PIN_COOKIE in request.COOKIES


class ReplicaReadsMiddleware:
    """Decides per request where its reads go, and pins a browser that wrote to the primary.

    Listed before the session middleware so that a write made while answering (a saved
    session) still pins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = Reads()
        token = _current.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if settings.READ_REPLICA and (reads.wrote or request.method not in SAFE_METHODS):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = _current.get()
        if reads is not None and may_read_replica(request, request.resolver_match.view_name):
            reads.replica = settings.READ_REPLICA
