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
