"""System checks: nothing a second process needs may live in one process's memory."""

from django.conf import settings
from django.core.checks import Error, Warning, register

PROCESS_LOCAL_CACHE = "django.core.cache.backends.locmem.LocMemCache"
CACHED_SESSIONS = {
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
}


@register()
def sessions_outlive_no_process(app_configs, **kwargs):
    cache = settings.CACHES[settings.SESSION_CACHE_ALIAS]
    if settings.SESSION_ENGINE in CACHED_SESSIONS and cache["BACKEND"] == PROCESS_LOCAL_CACHE:
        return [
            Error(
                "Sessions are cached in each process's own memory: signing out in one "
                "process leaves the session alive in the others.",
                hint="Set CACHE_URL to a shared cache (redis://…), or use the db session engine.",
                id="web.E001",
            )
        ]
    return []


@register(deploy=True)
def cache_is_shared(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] == PROCESS_LOCAL_CACHE:
        return [
            Warning(
                "The cache lives in each process's memory: what one process caches or "
                "invalidates, the others do not see (cached figures go stale).",
                hint="Set CACHE_URL to a shared cache (redis://…), or leave it unset (the database).",
                id="web.W001",
            )
        ]
    return []


def _view_names(patterns, prefix=""):
    """Every URL name of the project, as `namespace:…:name`, and every namespace."""
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if pattern.namespace:
                yield namespace[:-1]
            yield from _view_names(pattern.url_patterns, namespace)
        elif pattern.name:
            yield prefix + pattern.name


@register()
def replica_reads_name_views(app_configs, **kwargs):
    """Each entry of REPLICA_READS names a URL namespace or name, for `anyone` or `anonymous`
    (web/replica.py): a misspelt one would silently leave its views on the primary."""
    from django.urls import get_resolver

    from web.replica import ANONYMOUS, ANYONE

    names = set(_view_names(get_resolver().url_patterns))
    errors = []
    for entry, who in settings.REPLICA_READS.items():
        if entry not in names:
            errors.append(
                Error(
                    f"REPLICA_READS names {entry!r}, which is no URL namespace or name.",
                    hint="Use a namespace (e.g. 'dashboard') or a URL name (e.g. 'home').",
                    id="web.E002",
                )
            )
        if who not in (ANYONE, ANONYMOUS):
            errors.append(
                Error(
                    f"REPLICA_READS gives {entry!r} to {who!r}.",
                    hint=f"Say who may read it from the replica: {ANYONE!r} or {ANONYMOUS!r}.",
                    id="web.E003",
                )
            )
    return errors
