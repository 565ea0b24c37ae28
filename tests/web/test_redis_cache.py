"""The Redis cache backend keeps one redis-py client per connection pool (web/redis_cache.py)."""

import subprocess
import sys
import uuid

import pytest

from web.redis_cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def cache():
    return RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_cache_calls_share_one_client_and_one_pool(cache):
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client() is first
    assert first.connection_pool is cache._cache._get_connection_pool(True)


def test_the_shared_client_reads_writes_and_counts_as_djangos_does(cache):
    cache.set("answer", {"rooms": [1, 2]}, 30)
    assert cache.get("answer") == {"rooms": [1, 2]}
    assert cache.add("count", 0, 30) and not cache.add("count", 5, 30)
    assert [cache.incr("count") for _ in range(3)] == [1, 2, 3]
    cache.set_many({"a": 1, "b": 2}, 30)
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    cache.delete_many(["a", "b", "answer", "count"])
    assert cache.get("answer") is None


def test_a_redis_cache_url_selects_the_shared_client_backend():
    settings = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.CACHES['default']['BACKEND'])"],
        env={"DJANGO_SETTINGS_MODULE": "boms.settings", "DEBUG": "true", "CACHE_URL": REDIS_URL,
             "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert settings.stdout.strip() == "web.redis_cache.RedisCache"
