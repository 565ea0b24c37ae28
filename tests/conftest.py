import pytest
from django.core.cache import cache
from django.test import Client
from django.test.utils import instrumented_test_render
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from template_partials.templatetags.partials import TemplateProxy

from accounts import mfa
from tests.queue import ON_COMMIT_BACKEND

# Django's test set-up records the context of every Template it renders (response.context);
# a partial rendered on its own (a page's cached figures) is a TemplateProxy: record it too.
TemplateProxy._render = instrumented_test_render


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


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a finished sign-in, both steps of it: staff and
    users who turned two-step sign-in on are verified with an authenticator, as django-otp
    marks a session. Tests of the second step itself pass `second_factor=False`."""
    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None, *, second_factor=True):
        force_login(self, user, backend)
        if second_factor and mfa.uses_second_factor(user):
            device = mfa.authenticator_of(user) or mfa.start_enrolment(user)
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.pop(mfa.PENDING_SESSION_KEY, None)
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)
