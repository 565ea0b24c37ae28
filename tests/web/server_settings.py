"""Production settings for the gunicorn processes that tests start, but for two things the
tests need: unhashed static files (they run no collectstatic), and the fast password hasher
their users are made with (tests/conftest.py)."""

from boms.settings import *  # noqa: F403
from boms.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
