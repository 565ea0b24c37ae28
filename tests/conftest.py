import pytest
from django.core.cache import cache
from django.utils import translation

from tests.queue import ON_COMMIT_BACKEND


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test's database starts empty; so must the cache that holds figures about it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request leaves its language active in the thread; the next test starts in Korean."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_run_on_commit(settings):
    """Tasks run in the test's process after their transaction commits (tests/queue.py);
    the worker sends mail into django.core.mail.outbox."""
    settings.TASKS = ON_COMMIT_BACKEND
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
