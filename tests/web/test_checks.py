from web.checks import cache_is_shared, sessions_outlive_no_process

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}
}


def test_sessions_cached_in_process_memory_are_an_error(settings):
    settings.CACHES = LOCMEM
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert [e.id for e in sessions_outlive_no_process(None)] == ["web.E001"]


def test_sessions_in_the_database_or_a_shared_cache_pass(settings):
    settings.CACHES = LOCMEM
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert sessions_outlive_no_process(None) == []
    settings.CACHES = REDIS
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert sessions_outlive_no_process(None) == []


def test_a_per_process_cache_is_a_deployment_warning(settings):
    settings.CACHES = LOCMEM
    assert [w.id for w in cache_is_shared(None)] == ["web.W001"]
    settings.CACHES = REDIS
    assert cache_is_shared(None) == []
